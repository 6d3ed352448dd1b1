"""Nothing lost, nothing duplicated: the pipeline on the real Kafka and Elasticsearch under faults (issue 6).

Each case produces a known set of articles (unique ids, several versions) with kafka-python, injects one
fault, waits until the worker has caught up, and then compares what Elasticsearch, the enriched topic and
the dead-letter topic hold with what was produced. After every SIGKILL or SIGTERM it also checks the
at-least-once invariant directly: every message below a committed offset has its output written.
`pytest -s` prints one line per case and, at the end, the table for the README.

These tests stop, kill and restart the shared services; every fault window is short and every service is
restarted in a `finally`.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import psutil
import pytest
from elastic_transport import TransportError
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from bench.soak import raw_article
from pipeline.kafka_io import kafka_options, read_topic
from pipeline.models import DeadLetter, EnrichedArticle, RawArticle

from .conftest import REPO, Pipeline, isolated_env

pytestmark = pytest.mark.integration

# One NLP process per worker: the suite shares two cores with the services.
WORKER_ENV = {"NEWSWIRE_NLP_PROCESSES": "1", "NEWSWIRE_BATCH_SIZE": "16"}
CATCH_UP_S = 240  # a worker's start (group join, spaCy load) plus a few hundred small articles on two cores
ES_DOWN_S = 60  # the outage
SERVICES = ["bash", str(REPO / "deploy" / "local" / "services.sh")]


# --- what is produced --------------------------------------------------------------------------------------

@dataclass
class Produced:
    """What a case sent: the newest version per article, how often each (id, version) went out, the poison."""

    newest: dict[str, int] = field(default_factory=dict)
    sent: Counter = field(default_factory=Counter)  # (id, version) -> messages
    poison: dict[bytes, tuple[str, str]] = field(default_factory=dict)  # key -> (stage, words in the error)

    def add(self, article: RawArticle) -> None:
        self.newest[article.id] = max(article.version, self.newest.get(article.id, -1))
        self.sent[article.id, article.version] += 1


def send_articles(pipeline: Pipeline, produced: Produced, articles: list[RawArticle]) -> None:
    for article in articles:
        pipeline.producer.send(pipeline.settings.topic_raw, key=article.id.encode(),
                               value=article.model_dump_json().encode())
        produced.add(article)
    pipeline.producer.flush(timeout=60)


def article_set(case: str, count: int, versions: int = 1) -> list[RawArticle]:
    """`count` articles; every third one also in later versions, sent after all first versions."""
    first = [raw_article(case, n, 1) for n in range(count)]
    later = [raw_article(case, n, v) for v in range(2, versions + 1) for n in range(0, count, 3)]
    return first + later


# --- what arrived ------------------------------------------------------------------------------------------

def quietly(read: Callable[[], int]) -> int:
    """`read()`, or -1 while Elasticsearch is unreachable (during the outage case)."""
    try:
        return read()
    except TransportError:
        return -1


def indexed_count(pipeline: Pipeline) -> int:
    pipeline.es.indices.refresh(index=pipeline.settings.es_index)
    return pipeline.es.count(index=pipeline.settings.es_index)["count"]


def up_to_date(pipeline: Pipeline, produced: Produced) -> int:
    """How many articles are indexed in their newest version."""
    documents = pipeline.documents(list(produced.newest))
    return sum(documents.get(i, {}).get("version") == v for i, v in produced.newest.items())


def wait_until_caught_up(pipeline: Pipeline, produced: Produced, timeout_s: float = CATCH_UP_S) -> None:
    pipeline.wait_for(lambda: quietly(lambda: up_to_date(pipeline, produced)) == len(produced.newest),
                      timeout_s, f"all {len(produced.newest)} articles in their newest version")


def wait_for_progress(pipeline: Pipeline, at_least: int, timeout_s: float = CATCH_UP_S) -> int:
    """Wait until `at_least` documents are indexed; returns how many there are."""
    pipeline.wait_for(lambda: quietly(lambda: indexed_count(pipeline)) >= at_least, timeout_s,
                      f"{at_least} documents indexed")
    return indexed_count(pipeline)


@dataclass
class Tally:
    """One row of the README table, plus what must be zero."""

    case: str
    produced: int  # distinct valid articles
    messages: int  # messages sent: every version, replays and poison included
    indexed: int  # articles in Elasticsearch in their newest version
    dead_lettered: int  # poison messages found in the dead-letter topic with the expected reason
    lost: int  # valid articles missing from Elasticsearch or stale there
    duplicated_in_es: int  # documents beyond one per produced article
    enriched_duplicates: int  # enriched records beyond one per message sent (allowed: at-least-once)
    missing_on_topic: int  # valid articles whose newest version never reached the enriched topic
    unexpected_dead_letters: int  # dead letters for anything but the poison
    wrong_reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.case:<26} produced {self.produced:>4}  messages {self.messages:>4}  indexed {self.indexed:>4}  "
                f"dead-lettered {self.dead_lettered:>2}  lost {self.lost}  duplicated-in-ES {self.duplicated_in_es}  "
                f"duplicates-on-enriched-topic {self.enriched_duplicates}  ({self.seconds:.0f}s)")

    def assert_exact(self) -> None:
        assert self.lost == 0, f"{self.lost} articles lost or stale"
        assert self.duplicated_in_es == 0, f"{self.duplicated_in_es} extra documents in Elasticsearch"
        assert self.missing_on_topic == 0, f"{self.missing_on_topic} articles missing from the enriched topic"
        assert self.unexpected_dead_letters == 0, f"{self.unexpected_dead_letters} unexpected dead letters"
        assert not self.wrong_reasons, f"poison without its dead letter or reason: {self.wrong_reasons}"
        assert self.indexed == self.produced


TABLE: list[Tally] = []


@pytest.fixture(scope="module", autouse=True)
def print_table() -> Iterator[None]:
    yield
    if TABLE:
        print("\n| fault | articles produced | messages | indexed | dead-lettered | lost | duplicated in ES "
              "| duplicates on enriched topic |\n|---|---|---|---|---|---|---|---|")
        for row in TABLE:
            print(f"| {row.case} | {row.produced} | {row.messages} | {row.indexed} | {row.dead_lettered} | {row.lost} "
                  f"| {row.duplicated_in_es} | {row.enriched_duplicates} |")


def dead_letters(pipeline: Pipeline) -> list[DeadLetter]:
    return [DeadLetter.model_validate_json(r.value) for r in read_topic(pipeline.settings, pipeline.settings.topic_deadletter)]


def tally(case: str, pipeline: Pipeline, produced: Produced, started: float) -> Tally:
    """Compare Elasticsearch, the enriched topic and the dead-letter topic with `produced`, and print the row."""
    wait_until_drained(pipeline)  # so that duplicates and stray dead letters have had their chance to show
    documents = pipeline.documents(list(produced.newest))
    indexed = sum(documents.get(i, {}).get("version") == v for i, v in produced.newest.items())
    enriched = Counter((r.key.decode(), json.loads(r.value)["version"])
                       for r in read_topic(pipeline.settings, pipeline.settings.topic_enriched))
    letters = dead_letters(pipeline)
    letter_by_key = {letter.key: letter for letter in letters}
    wrong_reasons = []
    for key, (stage, words) in produced.poison.items():
        letter = letter_by_key.get(key)
        if letter is None or letter.stage != stage or words.lower() not in letter.error.lower():
            wrong_reasons.append(f"{key!r}: expected {stage}/{words!r}, got "
                                 f"{(letter.stage, letter.error[:100]) if letter else 'no dead letter'}")
    row = Tally(
        case=case, produced=len(produced.newest), messages=sum(produced.sent.values()) + len(produced.poison),
        indexed=indexed,
        dead_lettered=len(produced.poison) - len(wrong_reasons),
        lost=len(produced.newest) - indexed,
        duplicated_in_es=indexed_count(pipeline) - len(documents),
        enriched_duplicates=sum(max(0, n - produced.sent[pair]) for pair, n in enriched.items()),
        missing_on_topic=sum((i, v) not in enriched for i, v in produced.newest.items()),
        unexpected_dead_letters=sum(letter.key not in produced.poison for letter in letters),
        wrong_reasons=wrong_reasons, seconds=time.monotonic() - started)
    print("\n" + row.line())
    TABLE.append(row)
    return row


def committed_offsets(pipeline: Pipeline) -> dict[tuple[str, int], int]:
    """The worker group's committed offsets, by (topic, partition)."""
    group = pipeline.settings.consumer_group
    admin = KafkaAdminClient(**kafka_options(pipeline.settings), client_id="fault-tests")
    try:
        return {(tp.topic, tp.partition): meta.offset for tp, meta in admin.list_group_offsets(group)[group].items()}
    finally:
        admin.close()


def lag(pipeline: Pipeline) -> int:
    """Messages on the raw and enriched topics that the worker group has not committed yet."""
    settings = pipeline.settings
    consumer = KafkaConsumer(**kafka_options(settings), group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for topic in (settings.topic_raw, settings.topic_enriched)
                      for p in consumer.partitions_for_topic(topic) or ()]
        ends = consumer.end_offsets(partitions)
    finally:
        consumer.close()
    committed = committed_offsets(pipeline)
    return sum(end - max(committed.get((tp.topic, tp.partition), 0), 0) for tp, end in ends.items())


def wait_until_drained(pipeline: Pipeline, timeout_s: float = CATCH_UP_S) -> None:
    """Wait until every message sent so far is processed and committed, so the topics hold their final counts."""
    pipeline.wait_for(lambda: lag(pipeline) == 0, timeout_s, "the worker group to commit every message")


def assert_commits_durable(pipeline: Pipeline) -> int:
    """At-least-once, checked at the source: below each committed offset, every message has its output.

    Raw messages below the group's committed offset must be on the enriched topic (same id and version)
    or in the dead-letter topic; enriched messages below it must be in Elasticsearch in that version or a
    newer one. Returns how many messages were below a committed offset.
    """
    settings = pipeline.settings
    committed = committed_offsets(pipeline)
    enriched = list(read_topic(settings, settings.topic_enriched))
    enriched_pairs = {(r.key.decode(), json.loads(r.value)["version"]) for r in enriched}
    dead = {(letter.partition, letter.offset) for letter in dead_letters(pipeline)}
    covered = 0
    for record in read_topic(settings, settings.topic_raw):
        if record.offset < committed.get((settings.topic_raw, record.partition), -1):
            covered += 1
            assert raw_identity(record.value) in enriched_pairs or (record.partition, record.offset) in dead, \
                f"raw {record.partition}@{record.offset} committed but neither enriched nor dead-lettered"
    below = [(r.key.decode(), json.loads(r.value)["version"]) for r in enriched
             if r.offset < committed.get((settings.topic_enriched, r.partition), -1)]
    documents = pipeline.documents(list({article_id for article_id, _ in below})) if below else {}
    for article_id, version in below:
        assert documents.get(article_id, {}).get("version", -1) >= version, \
            f"enriched {article_id} v{version} committed but not in Elasticsearch"
    return covered + len(below)


def raw_identity(value: bytes) -> tuple[str, int] | None:
    """(id, version) of a raw message that is one of our articles; None for anything else."""
    try:
        document = json.loads(value)
        return document["id"], document["version"]
    except (ValueError, KeyError, TypeError):
        return None


# --- the cases ---------------------------------------------------------------------------------------------

@pytest.fixture
def fresh(run_id: str, request: pytest.FixtureRequest) -> Iterator[Pipeline]:
    """An isolated pipeline (own topics, group, index) with no worker yet; its workers are stopped after."""
    name = "faults-" + request.node.name.removeprefix("test_").replace("_", "-")[:32]
    pipeline = Pipeline(isolated_env(run_id, name))
    yield pipeline
    pipeline.close()


def test_worker_sigkilled_three_times_mid_stream(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    worker = fresh.start_worker(**WORKER_ENV)
    send_articles(fresh, produced, article_set("kill", 240, versions=2))
    for kill in range(1, 4):
        wait_for_progress(fresh, kill * len(produced.newest) // 5)
        fresh.kill_worker(worker)
        done = up_to_date(fresh, produced)
        covered = assert_commits_durable(fresh)
        print(f"\nSIGKILL {kill}: {done}/{len(produced.newest)} up to date, {covered} messages below committed offsets")
        assert done < len(produced.newest), "the worker had finished before the kill; the case proves nothing"
        worker = fresh.start_worker(**WORKER_ENV)
    wait_until_caught_up(fresh, produced)
    tally("worker SIGKILLed 3x", fresh, produced, started).assert_exact()


def service(action: str, name: str) -> None:
    """`services.sh start|stop kafka|elasticsearch`; start waits until the service is healthy."""
    subprocess.run([*SERVICES, action, name], check=True, timeout=180, stdout=subprocess.DEVNULL)


def idle_cpu_percent(process: subprocess.Popen, window_s: float = 2.0, within_s: float = 40.0) -> float:
    """The least CPU a worker's main process uses in a window of `window_s` (100 = one core), over up to
    `within_s`: a worker may first finish articles it fetched before the outage, which is work, not a spin; a
    spinning worker stays busy in every window. Stops at the first window under 10%."""
    measured, lowest = psutil.Process(process.pid), float("inf")
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and lowest >= 10:
        measured.cpu_percent()
        time.sleep(window_s)
        lowest = min(lowest, measured.cpu_percent())
    return lowest


def worker_log(pipeline: Pipeline, process: subprocess.Popen) -> str:
    return (Path(pipeline.settings.data_dir) / f"worker{pipeline.workers.index(process)}.log").read_text(errors="replace")


def test_elasticsearch_down_for_a_minute_mid_stream(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    fresh.start_worker(**WORKER_ENV)
    articles = article_set("esdown", 160, versions=2)
    send_articles(fresh, produced, articles[:100])
    wait_for_progress(fresh, 30)
    try:
        service("stop", "elasticsearch")
        outage = time.monotonic()
        send_articles(fresh, produced, articles[100:])  # wire copy keeps arriving during the outage
        time.sleep(max(0.0, ES_DOWN_S - (time.monotonic() - outage)))
        print(f"\nElasticsearch down for {time.monotonic() - outage:.0f}s")
    finally:
        service("start", "elasticsearch")
    wait_until_caught_up(fresh, produced)
    tally("Elasticsearch down 60 s", fresh, produced, started).assert_exact()


def test_kafka_broker_restarted_mid_stream(fresh: Pipeline) -> None:
    """One worker rides out the outage and reconnects; the other gets SIGTERM during it and must still stop."""
    started, produced = time.monotonic(), Produced()
    survivor, stopped = fresh.start_worker(**WORKER_ENV), fresh.start_worker(**WORKER_ENV)
    articles = article_set("kafka", 160, versions=2)
    send_articles(fresh, produced, articles[:100])
    wait_for_progress(fresh, 30)
    try:
        service("stop", "kafka")
        busy = idle_cpu_percent(survivor)
        stopped.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        stopped.wait(timeout=60)
        stopped_s = time.monotonic() - stopping
        fresh.workers.remove(stopped)  # its exit status (1: in-flight work left uncommitted) is checked here
    finally:
        service("start", "kafka")
    print(f"\nbroker down: worker CPU {busy:.0f}% of a core at its idlest; SIGTERM took {stopped_s:.1f}s, exit {stopped.returncode}")
    send_articles(fresh, produced, articles[100:])  # the producer and the surviving worker reconnect
    wait_until_caught_up(fresh, produced)
    tally("Kafka broker restarted", fresh, produced, started).assert_exact()
    assert busy < 50, f"the worker spins at {busy:.0f}% CPU while Kafka is down"
    assert stopped_s < 30 and stopped.returncode in (0, 1), "SIGTERM during the outage must stop the worker"


def group_generation(log: str) -> int | None:
    """The consumer-group generation a worker last joined, from its log."""
    generations = re.findall(r"Joined group '[^']+' \(generation (\d+)\)", log)
    return int(generations[-1]) if generations else None


def test_two_workers_in_a_group_one_sigkilled(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    survivor, victim = fresh.start_worker(**WORKER_ENV), fresh.start_worker(**WORKER_ENV)
    fresh.wait_for(lambda: group_generation(worker_log(fresh, survivor)) == group_generation(worker_log(fresh, victim))
                   is not None, CATCH_UP_S, "both workers in the same group generation")
    send_articles(fresh, produced, article_set("rebalance", 200, versions=2))
    wait_for_progress(fresh, len(produced.newest) // 3)
    assert "indexed" in worker_log(fresh, victim), "the victim had partitions with work"
    fresh.kill_worker(victim)
    done = up_to_date(fresh, produced)
    covered = assert_commits_durable(fresh)
    print(f"\nkilled one of two workers at {done}/{len(produced.newest)}; {covered} messages below committed offsets")
    assert done < len(produced.newest), "the stream had finished before the kill; the case proves nothing"
    wait_until_caught_up(fresh, produced)
    tally("2 workers, 1 SIGKILLed", fresh, produced, started).assert_exact()


def json_envelope(key: str, **fields: object) -> bytes:
    return json.dumps({"id": key, "version": 1, "source": "faults", "format": "text",
                       "received_at": "2026-01-05T09:00:00Z", **fields}).encode()


def poison_messages() -> dict[bytes, tuple[bytes, str, str]]:
    """Hostile input, by key: (payload, stage that must reject it, words its reason must contain)."""
    words = random.Random(5).choices(["minister", "said", "the", "talks", "would", "resume", "in", "Geneva"], k=3_000_000)
    billion_laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                      b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                      b'<nitf><body><body.content><p>&lol3;</p></body.content></body></nitf>')
    return {
        b"poison:invalid-utf8": (json_envelope("poison:utf8", body="The minister said").replace(b"minister", b"min\xff\xfester"),
                                 "parse", "UTF-8"),
        b"poison:invalid-json": (b'{"id": "poison:json", "version": 1, "body": ', "parse", "JSON"),
        b"poison:wrong-schema": (json_envelope("poison:schema", version="two", body="Text.", colour="red"), "validate", "version"),
        b"poison:20mb-body": (json_envelope("poison:big", body=" ".join(words)[:20_000_000]), "parse", "exceeds"),
        b"poison:empty-body": (json_envelope("poison:empty", body=""), "decode", "empty"),
        b"poison:empty-message": (b"", "parse", "empty"),
        b"poison:xml-bomb": (billion_laughs, "parse", "entit"),
        b"poison:binary": (random.Random(7).randbytes(4096), "parse", "binary"),
    }


def test_poison_messages_are_dead_lettered_with_their_reason(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    fresh.start_worker(**WORKER_ENV)
    articles = article_set("poison", 120)
    poison = poison_messages()
    for number, (key, (payload, stage, words)) in enumerate(poison.items()):
        send_articles(fresh, produced, articles[number * 15:(number + 1) * 15])
        fresh.producer.send(fresh.settings.topic_raw, key=key, value=payload)
        produced.poison[key] = (stage, words)
    fresh.producer.flush(timeout=60)
    wait_until_caught_up(fresh, produced)
    tally("poison messages mixed in", fresh, produced, started).assert_exact()
    for letter in dead_letters(fresh):
        payload = poison[letter.key][0]
        assert (letter.topic, letter.payload_size) == (fresh.settings.topic_raw, len(payload))
        assert letter.partition is not None and letter.offset is not None
        limit = fresh.settings.max_deadletter_payload_bytes
        assert letter.payload == payload[:limit] and letter.payload_truncated == (len(payload) > limit)


def test_old_versions_replayed_after_new_ones(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    fresh.start_worker(**WORKER_ENV)
    articles = article_set("versions", 90, versions=3)
    send_articles(fresh, produced, articles)
    wait_until_caught_up(fresh, produced)
    send_articles(fresh, produced, articles[::-1])  # every version again, newest first, oldest last
    row = tally("old versions replayed", fresh, produced, started)
    row.assert_exact()
    newest = fresh.documents(list(produced.newest))
    assert all(document["_version"] == produced.newest[i] for i, document in newest.items())
    assert all(f"version {produced.newest[i]})" in document["body"] for i, document in newest.items())


def test_sigterm_mid_stream_leaves_nothing_half_written(fresh: Pipeline) -> None:
    started, produced = time.monotonic(), Produced()
    worker = fresh.start_worker(**WORKER_ENV)
    send_articles(fresh, produced, article_set("sigterm", 160, versions=2))
    wait_for_progress(fresh, 40)
    worker.send_signal(signal.SIGTERM)  # to the main process only, as a container runtime does
    stopping = time.monotonic()
    worker.wait(timeout=60)
    stopped_s = time.monotonic() - stopping
    with pytest.raises(ProcessLookupError):
        os.killpg(worker.pid, 0)  # no pool process outlives the worker
    done = up_to_date(fresh, produced)
    covered = assert_commits_durable(fresh)
    for document in fresh.documents(list(produced.newest)).values():  # whole articles only
        EnrichedArticle.model_validate({k: v for k, v in document.items() if k in EnrichedArticle.model_fields})
    print(f"\nSIGTERM at {done}/{len(produced.newest)}: exited {worker.returncode} after {stopped_s:.1f}s; "
          f"{covered} messages below committed offsets")
    assert done < len(produced.newest), "the worker had finished before SIGTERM; the case proves nothing"
    assert stopped_s < 30
    fresh.start_worker(**WORKER_ENV)
    wait_until_caught_up(fresh, produced)
    tally("SIGTERM mid-stream", fresh, produced, started).assert_exact()


def newswire(pipeline: Pipeline, *arguments: str) -> str:
    """Run the `newswire` command against this pipeline; returns stdout and stderr."""
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", *arguments], env={**os.environ, **pipeline.env},
                            cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout + result.stderr


def test_deadletter_list_and_replay_after_fixing_the_stage(fresh: Pipeline) -> None:
    produced = Produced()
    # A worker deployed with a model that is not installed: the entities stage fails on every article.
    broken = fresh.start_worker(**WORKER_ENV, NEWSWIRE_SPACY_MODEL="no_such_spacy_model")
    send_articles(fresh, produced, article_set("replay", 12))
    fresh.wait_for(lambda: len(dead_letters(fresh)) >= 12, CATCH_UP_S, "12 dead letters")
    broken.send_signal(signal.SIGTERM)
    broken.wait(timeout=60)
    letters = dead_letters(fresh)
    assert {letter.stage for letter in letters} == {"entities"}
    assert all("no_such_spacy_model" in letter.error for letter in letters)
    assert {letter.article_id for letter in letters} == set(produced.newest)
    listing = newswire(fresh, "deadletter", "list")
    assert "12 dead letters" in listing and "entities" in listing and "replay:000003" in listing
    fresh.start_worker(**WORKER_ENV)  # the fixed deployment
    assert "replayed 12 dead letters" in newswire(fresh, "deadletter", "replay", "--stage", "entities")
    wait_until_caught_up(fresh, produced)
    documents = fresh.documents(list(produced.newest)).values()
    assert all(document["persons"] for document in documents), "replayed articles went through the entities stage"
    print(f"\ndead letters: 12 listed, 12 replayed after the fix, {len(documents)} indexed with entities")
