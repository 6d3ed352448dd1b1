"""Quote stage ms per article beside the entity stage and the spaCy parse they share, on PolNeAR dev texts (medians of several runs, one core). Run: python -m bench.bench_quotes [--limit ARTICLES] [--repeats N]"""

from __future__ import annotations

import os

# One core per process: BLAS threads would otherwise spread a "one core" run over both.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.entities import REQUIRES as ENTITY_REQUIRES, extract_entities  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.quotes import REQUIRES, extract_quotes  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402


def eval_dir() -> Path:
    return Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


def read_articles(limit: int) -> list[str]:
    texts = sorted((eval_dir() / "polnear" / "data" / "dev" / "text").glob("*.txt"))
    if not texts:
        sys.exit(f"PolNeAR dev texts not found under {eval_dir()} (set NEWSWIRE_EVAL_DIR)")
    return [path.read_text(encoding="utf-8") for path in texts[:limit]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=40, help="articles")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the median is reported")
    args = parser.parse_args()
    articles = read_articles(args.limit)
    nlp = load_nlp(get_settings().spacy_model, REQUIRES | ENTITY_REQUIRES)
    nlp("warm up")
    runs: dict[str, list[float]] = {"spaCy parse (parser + ner)": [], "entity stage": [], "quote stage": []}
    quotes_found = 0
    for _ in range(args.repeats):
        totals = dict.fromkeys(runs, 0.0)
        quotes_found = 0
        for text in articles:
            started = time.perf_counter()
            doc = nlp(text)
            parsed = time.perf_counter()
            entities = extract_entities(doc)
            entities_done = time.perf_counter()
            quotes_found += len(extract_quotes(doc, entities))
            quotes_done = time.perf_counter()
            totals["spaCy parse (parser + ner)"] += parsed - started
            totals["entity stage"] += entities_done - parsed
            totals["quote stage"] += quotes_done - entities_done
        for stage, seconds in totals.items():
            runs[stage].append(1000 * seconds / len(articles))
    words = sum(len(text.split()) for text in articles) / len(articles)
    print(f"{len(articles)} PolNeAR dev articles ({words:.0f} words each on average), {args.repeats} runs, "
          f"{quotes_found} quotes found per run\n")
    print("| step | median ms/article | min | max |")
    print("|---|---|---|---|")
    for stage, values in runs.items():
        print(f"| {stage} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    main()
