"""The contracts of newswire: what goes on each topic and into the index.

Every model here is exported to `schemas/` as JSON Schema (`newswire schemas`), so consumers in any
language read the same contract. Offsets (`start`, `end`) always index the repaired `body`, in Python
string positions (Unicode code points), end exclusive.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Contract(BaseModel):
    """Base of every contract: unknown fields are errors, so a wrong schema is caught, not ignored."""

    # Bytes travel as URL-safe base64 in JSON (and only there: in Python they stay bytes).
    model_config = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")


class ArticleFormat(str, Enum):
    text = "text"
    json = "json"
    nitf = "nitf"
    newsml_g2 = "newsml-g2"
    newsml_1 = "newsml-1"
    ninjs = "ninjs"
    rss = "rss"
    atom = "atom"
    anpa = "anpa"
    iptc_7901 = "iptc-7901"


class RawArticle(Contract):
    """An article as received, before any repair: the message on the raw topic."""

    id: str = Field(min_length=1, max_length=512, description="Stable id: provider:provider-id, or a hash of source and content.")
    version: int = Field(ge=0, description="Monotonic version of this article; a higher version replaces a lower one.")
    source: str = Field(description="Where the article came from: provider name, feed URL or file path.")
    received_at: datetime = Field(default_factory=utcnow)
    format: ArticleFormat
    headline: str | None = Field(default=None, description="Headline as received, not repaired.")
    body: str | None = Field(default=None, description="Body text as received (already decoded), not repaired.")
    body_bytes: bytes | None = Field(
        default=None, description="Body as received bytes (URL-safe base64, RFC 4648 §5, in JSON) when the producer did not decode it."
    )
    encoding: str | None = Field(default=None, description="Charset the producer decoded with, or declared by the wire format.")
    language: str | None = Field(default=None, description="Language declared by the source (BCP 47), if any.")
    url: str | None = None
    published_at: datetime | None = None


def content_id(source: str, content: str | bytes) -> str:
    """A stable id for an article whose source gives none: the same source and content give the same id.

    >>> content_id("seeds/a.txt", "Hello")
    'seeds/a.txt:185f8db32271fe25'
    """
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return f"{source}:{hashlib.sha256(data).hexdigest()[:16]}"


class Span(Contract):
    """A stretch of the repaired body."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RepairChange(Contract):
    """One kind of repair applied to a text, so an editor can audit it (in the spirit of ftfy.explain)."""

    fix: str = Field(description="Name of the fix function, e.g. 'restore_lossy_punctuation'.")
    field: Literal["headline", "body"] = "body"
    count: int = Field(ge=1, description="How many places it changed.")
    confidence: float = Field(ge=0, le=1, description="Lowest confidence among the places changed.")
    positions: list[int] = Field(default_factory=list, description="Offsets in the repaired text (first 50).")
    examples: list[str] = Field(default_factory=list, description="A few 'before -> after' samples.")


class EntityType(str, Enum):
    person = "person"
    organisation = "organisation"
    location = "location"
    other = "other"


class Entity(Contract):
    """One real-world entity of the article, with every mention of it."""

    id: str = Field(description="Stable across articles: type and normalised canonical name, e.g. 'person:donald-trump'.")
    name: str = Field(description="Canonical name: the fullest form used in the article.")
    type: EntityType
    label: str = Field(description="Finer model label (spaCy: PERSON, ORG, GPE, LOC, NORP, FAC, ...).")
    aliases: list[str] = Field(default_factory=list, description="Other forms used: surnames, acronyms, expansions.")
    titles: list[str] = Field(default_factory=list, description="Titles and roles attached to a person, e.g. 'Defense Secretary'.")
    mentions: list[Span]
    mention_count: int = Field(ge=0)


class QuoteKind(str, Enum):
    direct = "direct"
    partial = "partial"
    indirect = "indirect"


class Speaker(Contract):
    name: str | None = Field(description="Canonical name of the speaker entity, or null when unknown.")
    entity: str | None = Field(default=None, description="Id of the speaker's entity record.")
    mention: Span | None = Field(default=None, description="The speaker as written at this quote, e.g. 'he' or 'Toth'.")


class Quote(Contract):
    text: str = Field(description="The words inside the quote marks (direct, partial) or the reported content (indirect).")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: QuoteKind
    cue: Span | None = Field(default=None, description="The reporting verb, e.g. 'said'.")
    speaker: Speaker


class StageTiming(Contract):
    stage: str
    ms: float


class EnrichedArticle(Contract):
    """The enriched article: the message on the enriched topic and the document in Elasticsearch."""

    schema_version: int = SCHEMA_VERSION
    id: str
    version: int
    source: str
    format: ArticleFormat
    received_at: datetime
    published_at: datetime | None = None
    processed_at: datetime = Field(default_factory=utcnow)
    url: str | None = None
    language: str | None = None
    headline: str | None = Field(description="Repaired headline.")
    body: str = Field(description="Repaired body; every offset in this document indexes it.")
    repairs: list[RepairChange] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="Warnings for editors, e.g. 'repair-uncertain'.")
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    # Flat copies for Kibana aggregations and simple searches; derived from entities and quotes.
    persons: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    speakers: list[str] = Field(default_factory=list)
    quote_texts: list[str] = Field(default_factory=list, description="The text of every quote, for plain full-text search.")
    timings: list[StageTiming] = Field(default_factory=list)


class DeadLetter(Contract):
    """A message the pipeline could not process, kept whole with the reason so it can be replayed."""

    stage: str = Field(description="Where it failed: decode, parse, validate, repair, entities, quotes, index, ...")
    error_type: str
    error: str = Field(description="Human-readable reason.")
    failed_at: datetime = Field(default_factory=utcnow)
    article_id: str | None = None
    article_version: int | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None
    payload: bytes = Field(description="The original message value, unchanged (URL-safe base64, RFC 4648 §5, in JSON).")
    payload_size: int = Field(ge=0)
    payload_truncated: bool = Field(default=False, description="True when the payload was cut to the dead-letter size limit.")
