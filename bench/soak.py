"""Soak run: N articles through one worker on the real services; throughput and the worker's memory over time.

    python -m bench.soak --articles 100000     (quick: python -m bench.soak --articles 2000)

Produces N small wire stories to fresh topics, starts one `newswire worker`, samples the resident memory of
the worker and its NLP pool every few seconds until every article is in Elasticsearch, and prints a table.
Memory counts as flat when the RSS at the end is within 15 % of the RSS after warm-up (10 % of the articles).
Needs the local services (bash deploy/local/services.sh start); cleans up its topics and index unless --keep.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402 - after the path set-up, so `python bench/soak.py` finds the pipeline package

from pipeline.kafka_io import ensure_topics, kafka_options, make_producer  # noqa: E402
from pipeline.models import RawArticle  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.sink import ensure_index, sync_client  # noqa: E402

FLAT_TOLERANCE = 0.15

PEOPLE = [("Anna Kowalska", "mayor", "Warsaw"), ("Tomas Novak", "finance minister", "Prague"),
          ("Grace Mensah", "health minister", "Accra"), ("Rafael Ortiz", "union leader", "Lima"),
          ("Ingrid Solberg", "central bank governor", "Oslo"), ("Samuel Otieno", "police chief", "Nairobi"),
          ("Maria Santos", "senator", "Manila"), ("Daniel Becker", "chief executive of Nordwerk", "Hamburg")]
SUBJECTS = [("the bridge", "reopen before the winter"), ("the budget", "pass by the end of the month"),
            ("the strike", "end once talks resume"), ("the new line", "carry its first passengers in May"),
            ("the inquiry", "publish its findings next year"), ("interest rates", "stay where they are")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article_body(number: int, version: int) -> str:
    """A short wire story; number and version are in the text, so a stale version shows in the body.

    >>> article_body(1, 2)[:60]
    'PRAGUE (Reuters) - Tomas Novak, the finance minister, said o'
    """
    name, role, city = PEOPLE[number % len(PEOPLE)]
    subject, outcome = SUBJECTS[number % len(SUBJECTS)]
    day = DAYS[number % len(DAYS)]
    surname = name.split()[-1]
    return (f"{city.upper()} (Reuters) - {name}, the {role}, said on {day} that {subject} would {outcome} "
            f"(story {number}, version {version}). “We have done what we promised and we will keep doing it,” "
            f"{surname} told reporters in {city}. Officials in Brussels declined to comment on the plan, which "
            f"has been debated in parliament since 2019, but opposition leaders said they would study it.")


def raw_article(prefix: str, number: int, version: int) -> RawArticle:
    return RawArticle(id=f"{prefix}:{number:06d}", version=version, source="bench", format="text",
                      headline=f"Story {number}", body=article_body(number, version))


@dataclass
class Sample:
    seconds: float
    indexed: int
    rss_bytes: int


def worker_rss(process: psutil.Process) -> int:
    """Resident memory of the worker and every process under it (the NLP pool)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass  # a pool process being replaced
    return total


def soak_env(run: str) -> dict[str, str]:
    prefix = f"soak-{run}"
    return {"NEWSWIRE_TOPIC_RAW": f"{prefix}.raw", "NEWSWIRE_TOPIC_ENRICHED": f"{prefix}.enriched",
            "NEWSWIRE_TOPIC_DEADLETTER": f"{prefix}.deadletter", "NEWSWIRE_CONSUMER_GROUP": f"{prefix}-group",
            "NEWSWIRE_ES_INDEX": f"{prefix}-news", "NEWSWIRE_DATA_DIR": str(REPO / ".local" / "soak" / prefix)}


def produce(settings: Settings, count: int, prefix: str) -> float:
    """Send `count` articles; returns the seconds it took."""
    started = time.monotonic()
    producer = make_producer(settings)
    for number in range(count):
        article = raw_article(prefix, number, 1)
        producer.send(settings.topic_raw, key=article.id.encode(), value=article.model_dump_json().encode())
    producer.flush(timeout=300)
    producer.close()
    return time.monotonic() - started


def indexed_count(settings: Settings) -> int:
    client = sync_client(settings)
    try:
        client.indices.refresh(index=settings.es_index)
        return client.count(index=settings.es_index)["count"]
    finally:
        client.close()


def run_worker(settings: Settings, env: dict[str, str], count: int, sample_s: float, timeout_s: float) -> list[Sample]:
    """Start a worker, sample its memory and progress until `count` articles are indexed, stop it."""
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(settings.data_dir) / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "worker", "--loglevel", "warning"],
                                  env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    started = time.monotonic()
    measured = psutil.Process(worker.pid)
    samples: list[Sample] = []
    try:
        while time.monotonic() - started < timeout_s:
            time.sleep(sample_s)
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.returncode}; see {settings.data_dir}/worker.log")
            samples.append(Sample(time.monotonic() - started, indexed_count(settings), worker_rss(measured)))
            print(f"\r{samples[-1].seconds:7.0f}s  {samples[-1].indexed:>8,}/{count:,} indexed  "
                  f"RSS {samples[-1].rss_bytes / 2**20:7.0f} MiB", end="", file=sys.stderr, flush=True)
            if samples[-1].indexed >= count:
                break
    finally:
        print(file=sys.stderr)
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    return samples


def rss_at_share(samples: list[Sample], count: int, share: float) -> str:
    """RSS at the first sample by which `share` of the articles were indexed ('not reached' otherwise)."""
    sample = next((sample for sample in samples if sample.indexed >= share * count), None)
    return f"{sample.rss_bytes / 2**20:.0f} MiB" if sample else "not reached"


def report(samples: list[Sample], count: int, produce_s: float, processes: int) -> None:
    mib = 2**20
    end = samples[-1]
    warm = next((sample for sample in samples if sample.indexed >= 0.10 * count), end)
    flat = end.rss_bytes <= warm.rss_bytes * (1 + FLAT_TOLERANCE)
    rows = [
        ("articles indexed", f"{end.indexed:,} of {count:,}"),
        ("NLP processes", str(processes)),
        ("produce time", f"{produce_s:.0f} s"),
        ("worker start to all indexed", f"{end.seconds:.0f} s"),
        ("throughput (worker start included)", f"{end.indexed / end.seconds:.1f} articles/s"),
        ("RSS at start (first sample)", f"{samples[0].rss_bytes / mib:.0f} MiB"),
        ("RSS after 10 % (warm-up)", rss_at_share(samples, count, 0.10)),
        ("RSS after 50 %", rss_at_share(samples, count, 0.50)),
        ("RSS at end", f"{end.rss_bytes / mib:.0f} MiB"),
        ("RSS peak", f"{max(sample.rss_bytes for sample in samples) / mib:.0f} MiB"),
        ("memory flat (end within +15 % of warm-up)", "yes" if flat else "NO"),
    ]
    print("| soak | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


def clean_up(settings: Settings) -> None:
    from kafka import KafkaAdminClient

    sync_client(settings).indices.delete(index=f"{settings.es_index}-*")
    admin = KafkaAdminClient(**kafka_options(settings), client_id="soak")
    try:
        faust_topics = [topic for topic in admin.list_topics() if topic.startswith(f"{settings.consumer_group}-")]
        admin.delete_topics([settings.topic_raw, settings.topic_enriched, settings.topic_deadletter, *faust_topics])
    finally:
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample-s", type=float, default=5.0, help="Seconds between memory samples.")
    parser.add_argument("--timeout-s", type=float, default=3 * 3600, help="Give up after this long.")
    parser.add_argument("--processes", type=int, default=Settings().nlp_processes, help="NEWSWIRE_NLP_PROCESSES.")
    parser.add_argument("--keep", action="store_true", help="Keep the topics and the index afterwards.")
    options = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    env = soak_env(run) | {"NEWSWIRE_NLP_PROCESSES": str(options.processes)}
    settings = Settings(**{key.removeprefix("NEWSWIRE_").lower(): value for key, value in env.items()})
    ensure_topics(settings)
    ensure_index(sync_client(settings), settings)
    try:
        produce_s = produce(settings, options.articles, f"soak{run}")
        samples = run_worker(settings, env, options.articles, options.sample_s, options.timeout_s)
        report(samples, options.articles, produce_s, options.processes)
    finally:
        if not options.keep:
            clean_up(settings)


if __name__ == "__main__":
    main()
