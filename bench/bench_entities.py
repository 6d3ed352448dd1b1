"""Speed and memory of the entity stage beside raw spaCy (full pipeline), on the same news texts: words/s on one core and in a 2-process pool (medians), and worker RSS, per model. Run: python -m bench.bench_entities [--limit ARTICLES] [--repeats N] [--model NAME_OR_PATH ...]"""

from __future__ import annotations

import os

# One core per process: BLAS threads would otherwise spread a "one core" run over both.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402
import spacy  # noqa: E402

from pipeline.entities import REQUIRES, extract_entities  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402

SENTENCES_PER_ARTICLE = 20  # news-text holds one sentence a line; articles are made of runs of lines
WORKERS = 2

_worker_nlp: spacy.Language | None = None


def eval_dir() -> Path:
    return Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


def read_articles(limit: int) -> list[str]:
    """Articles of SENTENCES_PER_ARTICLE lines from every file in news-text, taken in turn from each file."""
    per_file = []
    for path in sorted((eval_dir() / "news-text").glob("*")):
        if path.suffix == ".md":
            continue
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        starts = range(0, len(lines), SENTENCES_PER_ARTICLE)
        per_file.append([" ".join(lines[start:start + SENTENCES_PER_ARTICLE]) for start in starts])
    interleaved = [article for group in zip(*per_file) for article in group]
    return interleaved[:limit]


def load(system: str, model: str) -> spacy.Language:
    return spacy.load(model) if system == "raw" else load_nlp(model, REQUIRES)


def run(nlp: spacy.Language, system: str, texts: list[str]) -> int:
    """Process `texts` as the system does; the number of entities found (so nothing is optimised away)."""
    found = 0
    for doc in nlp.pipe(texts):
        found += len(doc.ents) if system == "raw" else len(extract_entities(doc))
    return found


def _init_worker(system: str, model: str) -> None:
    global _worker_nlp
    _worker_nlp = load(system, model)


def _run_in_worker(system: str, texts: list[str]) -> int:
    assert _worker_nlp is not None
    return run(_worker_nlp, system, texts)


def _worker_rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=40, help="articles of 20 sentences (a quick run: 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--model", action="append", help="spaCy package name or path, repeat to compare models "
                        "(default: the configured NEWSWIRE_SPACY_MODEL)")
    arguments = parser.parse_args()
    if not (eval_dir() / "news-text").is_dir():
        sys.exit(f"news-text not found under {eval_dir()} (set NEWSWIRE_EVAL_DIR)")
    texts = read_articles(arguments.limit)
    words = sum(len(text.split()) for text in texts)
    chunks = [texts[i::WORKERS * 4] for i in range(WORKERS * 4)]
    models = arguments.model or [get_settings().spacy_model]
    print(f"{len(texts)} articles, {words} words, median of {arguments.repeats} runs, {os.cpu_count()} CPUs visible")
    print(f"{'model':<28}| {'system':<40}| {'processes':>9} | {'words/s':>8} | {'min':>8} | {'max':>8} | "
          f"{'RSS MiB':>7}")
    systems = (("raw", "raw spaCy, full pipeline"), ("stage", "entity stage (senter+ner + corrections)"))
    for model in models:
        for system, label in systems:
            nlp = load(system, model)
            name = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
            run(nlp, system, texts[:5])  # warm up
            rates = [words / timed(lambda: run(nlp, system, texts)) for _ in range(arguments.repeats)]
            print(f"{name:<28}| {label:<40}| {1:>9} | {statistics.median(rates):8.0f} | {min(rates):8.0f} | "
                  f"{max(rates):8.0f} | {'':>7}")
            # Spawned, not forked: each worker loads the model itself, so its RSS is what a worker really holds.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(WORKERS, mp_context=spawn, initializer=_init_worker,
                                     initargs=(system, model)) as pool:
                list(pool.map(_run_in_worker, [system] * WORKERS, [texts[:2]] * WORKERS))  # load models, warm up
                rates = [words / timed(lambda: list(pool.map(_run_in_worker, [system] * len(chunks), chunks)))
                         for _ in range(arguments.repeats)]
                rss = max(pool.submit(_worker_rss_mib).result() for _ in range(WORKERS))
            print(f"{name:<28}| {label:<40}| {WORKERS:>9} | {statistics.median(rates):8.0f} | {min(rates):8.0f} | "
                  f"{max(rates):8.0f} | {rss:7.0f}")
        docs = list(load("stage", model).pipe(texts))
        rates = [words / timed(lambda: [extract_entities(doc) for doc in docs]) for _ in range(arguments.repeats)]
        print(f"{name:<28}| {'corrections alone (on parsed Docs)':<40}| {1:>9} | {statistics.median(rates):8.0f} | "
              f"{min(rates):8.0f} | {max(rates):8.0f} | {'':>7}")
    print("RSS: the larger of the two pool workers' resident memory after the run (model loaded, texts processed)")


if __name__ == "__main__":
    main()
