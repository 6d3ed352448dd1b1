"""One Kafka message in, enriched articles and dead letters out: what the worker runs in its process pool.

Plain functions over bytes, so they run (and are tested) without Kafka. Nothing here raises for a bad
message: every failure becomes a `DeadLetter` that keeps the original payload and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from pipeline.enrich import StageError, enrich_many
from pipeline.formats import FormatError, parse_payload
from pipeline.models import DeadLetter, EnrichedArticle, RawArticle
from pipeline.settings import Settings, get_settings

# Fields only our own envelope carries: a JSON message with them is validated as a RawArticle, strictly,
# so a producer with the wrong schema gets a dead letter naming the field instead of a guessed article.
_ENVELOPE_FIELDS = {"format", "received_at"}


@dataclass
class MessageOutcome:
    """What became of one message: its articles, enriched, and the failures, as dead letters."""

    enriched: list[EnrichedArticle] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    """The parts of a Kafka message the pipeline needs, picklable for the process pool."""

    value: bytes
    key: bytes | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


def dead_letter(message: Message, stage: str, error: Exception, settings: Settings,
                article: RawArticle | None = None) -> DeadLetter:
    """A dead letter for `message`, with the payload cut to the configured size limit."""
    limit = settings.max_deadletter_payload_bytes
    return DeadLetter(
        stage=stage,
        error_type=type(error).__name__,
        error=str(error)[:2000],
        article_id=article.id if article else None,
        article_version=article.version if article else None,
        topic=message.topic, partition=message.partition, offset=message.offset,
        key=message.key,
        payload=message.value[:limit],
        payload_size=len(message.value),
        payload_truncated=len(message.value) > limit,
    )


def read_articles(value: bytes, source: str, settings: Settings) -> list[RawArticle]:
    """Our RawArticle envelope, or any wire format `pipeline.formats` reads.

    Raises FormatError or ValidationError with the reason.
    """
    if len(value) > settings.max_article_bytes:
        raise FormatError(f"payload of {len(value):,} bytes exceeds the {settings.max_article_bytes:,}-byte limit")
    if value.lstrip()[:1] == b"{":
        try:
            document = json.loads(value)
        except ValueError:
            document = None  # let the format parser report where the JSON is broken
        if isinstance(document, dict) and _ENVELOPE_FIELDS <= document.keys():
            return [RawArticle.model_validate(document)]
    return parse_payload(value, source, max_bytes=settings.max_article_bytes)


def read_message(message: Message, settings: Settings) -> tuple[list[RawArticle], DeadLetter | None]:
    """The articles of one message, or the dead letter saying why it could not be read."""
    source = f"kafka:{message.topic}" if message.topic else "kafka"
    try:
        return read_articles(message.value, source, settings), None
    except ValidationError as error:
        return [], dead_letter(message, "validate", error, settings)
    except Exception as error:  # noqa: BLE001 - FormatError and anything a parser raises on hostile input
        return [], dead_letter(message, "parse", error, settings)


def process_messages(messages: list[Message], settings: Settings) -> list[MessageOutcome]:
    """Read every message, then enrich all their articles together (one batched NLP parse)."""
    outcomes = [MessageOutcome() for _ in messages]
    articles: list[tuple[int, RawArticle]] = []
    for position, message in enumerate(messages):
        found, letter = read_message(message, settings)
        if letter is not None:
            outcomes[position].dead_letters.append(letter)
        articles.extend((position, article) for article in found)
    results = enrich_many([article for _, article in articles], settings)
    for (position, article), result in zip(articles, results):
        if isinstance(result, StageError):
            outcomes[position].dead_letters.append(
                dead_letter(messages[position], result.stage, result.cause, settings, article))
        else:
            outcomes[position].enriched.append(result)
    return outcomes


def process_message(message: Message, settings: Settings) -> MessageOutcome:
    """Read, then enrich every article of one message."""
    return process_messages([message], settings)[0]


def process_batch(messages: list[Message]) -> list[MessageOutcome]:
    """Entry point for the worker's process pool (settings and models are loaded once per process)."""
    return process_messages(messages, get_settings())
