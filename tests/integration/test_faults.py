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
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator

import psutil
import pytest
from elastic_transport import TransportError
from kafka import KafkaAdminClient

from pipeline.kafka_io import kafka_options, read_topic
from pipeline.models import DeadLetter, RawArticle

from .conftest import REPO, Pipeline, isolated_env

pytestmark = pytest.mark.integration

# One NLP process per worker: the suite shares two cores with the services.
WORKER_ENV = {"NEWSWIRE_NLP_PROCESSES": "1", "NEWSWIRE_BATCH_SIZE": "16"}
CATCH_UP_S = 240  # a worker's start (group join, spaCy load) plus a few hundred small articles on two cores
ES_DOWN_S = 60  # the outage
SERVICES = ["bash", str(REPO / "deploy" / "local" / "services.sh")]


# --- what is produced --------------------------------------------------------------------------------------

PEOPLE = [("Anna Kowalska", "mayor", "Warsaw"), ("Tomas Novak", "finance minister", "Prague"),
          ("Grace Mensah", "health minister", "Accra"), ("Rafael Ortiz", "union leader", "Lima"),
          ("Ingrid Solberg", "central bank governor", "Oslo"), ("Samuel Otieno", "police chief", "Nairobi"),
          ("Maria Santos", "senator", "Manila"), ("Daniel Becker", "chief executive of Nordwerk", "Hamburg")]
SUBJECTS = [("the bridge", "reopen before the winter"), ("the budget", "pass by the end of the month"),
            ("the strike", "end once talks resume"), ("the new line", "carry its first passengers in May"),
            ("the inquiry", "publish its findings next year"), ("interest rates", "stay where they are")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article_body(number: int, version: int) -> str:
    """A short wire story; the version is in the first sentence so a stale version is visible in the body."""
    name, role, city = PEOPLE[number % len(PEOPLE)]
    subject, outcome = SUBJECTS[number % len(SUBJECTS)]
    day = DAYS[number % len(DAYS)]
    surname = name.split()[-1]
    return (f"{city.upper()} (Reuters) - {name}, the {role}, said on {day} that {subject} would {outcome} "
            f"(story {number}, version {version}). “We have done what we promised and we will keep doing it,” "
            f"{surname} told reporters in {city}. Officials in Brussels declined to comment on the plan, which "
            f"has been debated in parliament since 2019, but opposition leaders said they would study it.")


def raw_article(case: str, number: int, version: int) -> RawArticle:
    return RawArticle(id=f"{case}:{number:05d}", version=version, source="faults", format="text",
                      headline=f"Story {number}", body=article_body(number, version))


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


def assert_commits_durable(pipeline: Pipeline) -> int:
    """At-least-once, checked at the source: below each committed offset, every message has its output.

    Raw messages below the group's committed offset must be on the enriched topic (same id and version)
    or in the dead-letter topic; enriched messages below it must be in Elasticsearch in that version or a
    newer one. Returns how many messages were below a committed offset.
    """
    settings = pipeline.settings
    admin = KafkaAdminClient(**kafka_options(settings), client_id="fault-tests")
    try:
        committed = {(tp.topic, tp.partition): meta.offset
                     for tp, meta in admin.list_consumer_group_offsets(settings.consumer_group).items()}
    finally:
        admin.close()
    enriched = {(r.key.decode(), json.loads(r.value)["version"]): r for r in read_topic(settings, settings.topic_enriched)}
    dead = {(letter.partition, letter.offset) for letter in dead_letters(pipeline)}
    covered = 0
    for record in read_topic(settings, settings.topic_raw):
        if record.offset < committed.get((settings.topic_raw, record.partition), -1):
            covered += 1
            assert raw_identity(record.value) in enriched or (record.partition, record.offset) in dead, \
                f"raw {record.partition}@{record.offset} committed but neither enriched nor dead-lettered"
    below = [(article_id, version) for (article_id, version), r in enriched.items()
             if r.offset < committed.get((settings.topic_enriched, r.partition), -1)]
    documents = pipeline.documents(list({article_id for article_id, _ in below}))
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
