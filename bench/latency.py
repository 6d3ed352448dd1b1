"""Produce-to-searchable latency of the seed on a warm worker, on the real local services.

    python -m bench.latency [--runs 10]

Starts one worker on its own topics and index (the integration tests' harness), waits until it has
indexed a warm-up copy (so the worker's start and the model load are excluded), then produces the seed
again and again with increasing versions and times each until Elasticsearch returns that version.
Prints median, p90 and max. Needs the services: `bash deploy/local/services.sh start`.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from pipeline.formats import parse_file
from pipeline.models import RawArticle
from tests.integration.conftest import REPO, Pipeline, isolated_env

SEED = REPO / "seeds" / "000_3055c024dfb4192d.txt"


def searchable_after(pipeline: Pipeline, seed: RawArticle, version: int, timeout_s: float) -> float:
    """Seconds from produce until this version of the seed is returned by Elasticsearch."""
    article = seed.model_copy(update={"id": "latency:seed", "version": version})
    article_id = article.id
    started = time.perf_counter()
    pipeline.send(article.model_dump_json().encode(), key=article_id.encode())
    pipeline.wait_for(lambda: pipeline.documents([article_id]).get(article_id, {}).get("version") == version,
                      timeout_s, f"version {version}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    pipeline = Pipeline(isolated_env(uuid.uuid4().hex[:8], "latency"))
    try:
        pipeline.start_worker()
        [seed] = parse_file(SEED, max_bytes=2_000_000)
        cold = searchable_after(pipeline, seed, 1, timeout_s=300)
        warm = [searchable_after(pipeline, seed, version, timeout_s=120)
                for version in range(2, args.runs + 2)]
    finally:
        pipeline.close()
    warm.sort()
    print("| seed, produce -> searchable | runs | median s | p90 s | max s |")
    print("|---|---|---|---|---|")
    print(f"| cold (worker start + model load included) | 1 | {cold:.2f} | | |")
    p90 = warm[min(len(warm) - 1, int(0.9 * len(warm)))]
    print(f"| warm worker | {len(warm)} | {statistics.median(warm):.2f} | {p90:.2f} | {warm[-1]:.2f} |")


if __name__ == "__main__":
    main()
