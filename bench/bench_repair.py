"""Speed of repair_text versus ftfy.fix_text on the same texts (figure 5 of issue 3): `python -m bench.bench_repair [--limit N] [--runs R]`."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import ftfy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.eval_repair import LINES_PER_DOCUMENT, NEWS_FILES, corrupt_lossy, corrupt_windows_1252  # noqa: E402
from pipeline.repair import repair_text  # noqa: E402
from pipeline.repair.lexicon import load_lexicon  # noqa: E402

EVAL_DIR = Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


def documents(limit: int | None) -> list[str]:
    docs = []
    for name in NEWS_FILES:
        lines = (EVAL_DIR / "news-text" / name).read_text(encoding="utf-8").splitlines()[:limit]
        docs += ["\n".join(lines[i : i + LINES_PER_DOCUMENT]) for i in range(0, len(lines), LINES_PER_DOCUMENT)]
    return docs


def seconds(function, docs: list[str]) -> float:
    start = time.perf_counter()
    for doc in docs:
        function(doc)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="lines per news-text file (default: all)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not EVAL_DIR.is_dir():
        sys.exit(f"evaluation data not found at {EVAL_DIR} (set NEWSWIRE_EVAL_DIR)")
    clean = documents(args.limit)
    sets = {"clean": clean, "Windows-1252 mojibake": [corrupt_windows_1252(d) for d in clean], "lossy (seed damage)": [corrupt_lossy(d) for d in clean]}
    started = time.perf_counter()
    load_lexicon()  # once per process, so timed apart from the texts
    load_seconds = time.perf_counter() - started
    print(f"\n## repair_text vs ftfy.fix_text: median of {args.runs} runs ({LINES_PER_DOCUMENT}-line documents)\n")
    print("| texts | chars | ftfy chars/s | repair_text chars/s | time ratio (repair/ftfy) |")
    print("|---|---|---|---|---|")
    for name, docs in sets.items():
        chars = sum(map(len, docs))
        ftfy_times, ours_times = [], []
        for _ in range(args.runs):  # alternate so both see the same machine load
            ftfy_times.append(seconds(ftfy.fix_text, docs))
            ours_times.append(seconds(repair_text, docs))
        ftfy_median, ours_median = statistics.median(ftfy_times), statistics.median(ours_times)
        print(f"| {name} | {chars:,} | {chars / ftfy_median:,.0f} | {chars / ours_median:,.0f} | {ours_median / ftfy_median:.2f}x |")
    print(f"\nword and letter model load, once per process: {load_seconds:.2f} s")


if __name__ == "__main__":
    main()
