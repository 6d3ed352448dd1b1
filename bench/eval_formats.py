"""Wire-format parsing on every sample in ../shared/eval/wire-samples: format, articles, headlines, body size, errors, time.

Run: python -m bench.eval_formats [--limit N] [--folder nitf] [--runs 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import pathlib
import statistics
import sys
import time

if __package__ in (None, ""):  # run as `python bench/eval_formats.py`
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from pipeline.formats import FormatError, detect_format, parse_payload  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
EVAL_DIR = pathlib.Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))
SAMPLES = EVAL_DIR / "wire-samples"
MAX_BYTES = 2_000_000


class _Notes(logging.Handler):
    """Keeps what the parsers logged about a file (encoding traps), to show beside it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def sample_files(folder: str | None, limit: int | None) -> list[pathlib.Path]:
    files = sorted(path for path in SAMPLES.glob("*/*") if path.is_file() and (folder is None or path.parent.name == folder))
    return files[:limit] if limit else files


def measure(path: pathlib.Path, runs: int, notes: _Notes) -> dict:
    data = path.read_bytes()
    row = {"file": f"{path.parent.name}/{path.name}", "bytes": len(data)}
    try:
        row["format"] = detect_format(data, path.name).value
    except FormatError:
        row["format"] = "-"
    times = []
    for _ in range(runs):
        notes.messages.clear()
        started = time.perf_counter()
        try:
            articles = parse_payload(data, str(path), filename=path.name, max_bytes=MAX_BYTES)
            error = ""
        except FormatError as failure:
            articles, error = [], str(failure)
        times.append((time.perf_counter() - started) * 1000)
    row.update(
        articles=len(articles),
        headlines=sum(1 for article in articles if article.headline),
        body_chars=sum(len(article.body or article.body_bytes or "") for article in articles),
        encoding=",".join(sorted({article.encoding or "bytes" for article in articles})) or "-",
        ms=statistics.median(times),
        error=error,
        note="; ".join(dict.fromkeys(notes.messages)),
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N sample files")
    parser.add_argument("--folder", help="only one sample folder, e.g. nitf")
    parser.add_argument("--runs", type=int, default=5, help="parses per file; the time shown is the median")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        sys.exit(f"no wire samples at {SAMPLES} (set NEWSWIRE_EVAL_DIR)")
    notes = _Notes()
    logging.getLogger("pipeline.formats").addHandler(notes)
    logging.getLogger("pipeline.formats").propagate = False
    rows = [measure(path, args.runs, notes) for path in sample_files(args.folder, args.limit)]

    print(f"{'file':58} {'format':10} {'bytes':>7} {'arts':>4} {'hdl':>4} {'body':>7} {'ms':>6}  {'encoding':13} error / note")
    for row in rows:
        print(f"{row['file'][:58]:58} {row['format']:10} {row['bytes']:7} {row['articles']:4} {row['headlines']:4} "
              f"{row['body_chars']:7} {row['ms']:6.2f}  {row['encoding'][:13]:13} {row['error'] or row['note']}")
    parsed = [row for row in rows if not row["error"]]
    print(f"\n{len(parsed)}/{len(rows)} files gave articles; {sum(row['articles'] for row in rows)} articles, "
          f"{sum(row['headlines'] for row in rows)} with a headline; {len(rows) - len(parsed)} files refused (see error); "
          f"median parse {statistics.median(row['ms'] for row in rows):.2f} ms/file, "
          f"{sum(row['bytes'] for row in rows) / 1e6 / (sum(row['ms'] for row in rows) / 1000):.1f} MB/s overall")


if __name__ == "__main__":
    main()
