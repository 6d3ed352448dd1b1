"""From a raw article to an enriched one: the configured stages, run in order over a `Draft`.

This is the whole of the business logic. `newswire enrich` calls it directly and the Faust worker calls it
in a process pool, so offline and streaming results are the same. Each stage is a small function
`Draft -> None` that fills in its part; the list of stages is a setting (`NEWSWIRE_STAGES`).
"""

from __future__ import annotations

import re
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import entities as entity_stage
from pipeline import quotes as quote_stage
from pipeline.models import Entity, EnrichedArticle, Quote, RawArticle, RepairChange, StageTiming
from pipeline.nlp import load_nlp
from pipeline.repair import decode_bytes, repair_text
from pipeline.settings import Settings


class StageError(Exception):
    """A stage failed on one article; the worker turns it into a dead letter naming the stage."""

    def __init__(self, stage: str, cause: Exception):
        super().__init__(f"{stage} failed: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.cause = cause


@dataclass
class Draft:
    """An article on its way through the stages."""

    raw: RawArticle
    headline: str | None
    body: str
    language: str | None
    repairs: list[RepairChange] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    spacy_doc: Doc | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


# English function words: enough to tell English copy from the German or French copy that wire services
# also carry, so the English model is not run on text it cannot read.
_ENGLISH_WORDS = frozenset("the of and to in a is that for on was with he it as at by said from his be are have".split())
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """'en' when English function words make up a tenth of the words, else None (unknown).

    >>> guess_language("The minister said on Friday that the talks would go on.")
    'en'
    >>> guess_language("Der Minister sagte am Freitag, die Gespräche würden fortgesetzt.") is None
    True
    """
    words = _WORD.findall(text[:5000].lower())
    if not words:
        return None
    share = sum(word in _ENGLISH_WORDS for word in words) / len(words)
    return "en" if share >= 0.1 else None


def start_draft(raw: RawArticle) -> Draft:
    """Decode the body when it came as bytes; the repair stage does the rest."""
    repairs: list[RepairChange] = []
    if raw.body_bytes is not None:
        body, decoding = decode_bytes(raw.body_bytes, raw.encoding)
        if decoding is not None:
            repairs.append(decoding)
    else:
        body = raw.body or ""
    if not body.strip():
        raise ValueError("article body is empty")
    return Draft(raw=raw, headline=raw.headline, body=body, language=raw.language)


def repair(draft: Draft, settings: Settings) -> None:
    """Repair headline and body, and record what changed on each."""
    for field_name in ("headline", "body"):
        text = getattr(draft, field_name)
        if not text:
            continue
        repaired = repair_text(text)
        setattr(draft, field_name, repaired.text)
        draft.repairs.extend(change.model_copy(update={"field": field_name}) for change in repaired.changes)
        if repaired.uncertain and "repair-uncertain" not in draft.flags:
            draft.flags.append("repair-uncertain")


def nlp_for(settings: Settings) -> Language:
    """The spaCy pipeline with the components the configured stages read."""
    required = frozenset().union(*(NLP_REQUIREMENTS.get(name, frozenset()) for name in settings.stages))
    return load_nlp(settings.spacy_model, required)


def _parsed(draft: Draft, settings: Settings) -> Doc:
    """The spaCy parse of the body, made once for all NLP stages."""
    if draft.spacy_doc is None:
        draft.spacy_doc = nlp_for(settings)(draft.body)
    return draft.spacy_doc


def _reads_english(draft: Draft) -> bool:
    language = draft.language or guess_language(draft.body)
    draft.language = language
    if language is not None and language.lower().startswith("en"):
        return True
    if "nlp-skipped-language" not in draft.flags:
        draft.flags.append("nlp-skipped-language")
    return False


def find_entities(draft: Draft, settings: Settings) -> None:
    """Entities of the body, one record per real-world entity (English copy only)."""
    if _reads_english(draft):
        draft.entities = entity_stage.extract_entities(_parsed(draft, settings))


def find_quotes(draft: Draft, settings: Settings) -> None:
    """Quotes and their speakers, linked to the entities found before (English copy only)."""
    if _reads_english(draft):
        draft.quotes = quote_stage.extract_quotes(_parsed(draft, settings), draft.entities)


Stage = Callable[[Draft, Settings], None]
STAGES: dict[str, Stage] = {"repair": repair, "entities": find_entities, "quotes": find_quotes}
NLP_REQUIREMENTS: dict[str, frozenset[str]] = {"entities": entity_stage.REQUIRES, "quotes": quote_stage.REQUIRES}


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def finish(draft: Draft, timings: list[StageTiming]) -> EnrichedArticle:
    raw = draft.raw
    by_type = {kind: _unique([e.name for e in draft.entities if e.type.value == kind])
               for kind in ("person", "organisation", "location")}
    return EnrichedArticle(
        id=raw.id, version=raw.version, source=raw.source, format=raw.format, received_at=raw.received_at,
        published_at=raw.published_at, url=raw.url, language=draft.language,
        headline=draft.headline, body=draft.body, repairs=draft.repairs, flags=draft.flags,
        entities=draft.entities, quotes=draft.quotes,
        persons=by_type["person"], organisations=by_type["organisation"], locations=by_type["location"],
        speakers=_unique([q.speaker.name for q in draft.quotes if q.speaker.name]),
        quote_texts=[q.text for q in draft.quotes],
        timings=timings,
    )


def parse_together(drafts: list[Draft], settings: Settings) -> float:
    """Parse the bodies of the English drafts in one `nlp.pipe` call; returns the seconds it took.

    spaCy runs its networks over a batch of documents at once, ~1.4x faster than one at a time on short
    wire stories (bench/bench_entities.py). If the batch fails, nothing is set and each draft is parsed on
    its own by its stage, so the error is reported against the article that caused it.
    """
    pending = [draft for draft in drafts if draft.spacy_doc is None and _reads_english(draft)]
    if not pending:
        return 0.0
    started = time.perf_counter()
    try:
        docs = list(nlp_for(settings).pipe(draft.body for draft in pending))
    except Exception:  # noqa: BLE001 - retried one by one, where the failure gets its article
        return 0.0
    for draft, doc in zip(pending, docs):
        draft.spacy_doc = doc
    return time.perf_counter() - started


def enrich_many(raws: list[RawArticle], settings: Settings) -> list[EnrichedArticle | StageError]:
    """Run the configured stages over a batch of raw articles, stage by stage, so the NLP parse is batched.

    Returns, for each article in order, its enriched form or the StageError that stopped it; one bad
    article never stops the others.
    """
    unknown = [name for name in settings.stages if name not in STAGES]
    if unknown:
        raise ValueError(f"unknown stages {unknown}; known: {sorted(STAGES)}")
    results: list[EnrichedArticle | StageError | None] = [None] * len(raws)
    drafts: dict[int, Draft] = {}
    for position, raw in enumerate(raws):
        try:
            drafts[position] = start_draft(raw)
        except Exception as error:  # noqa: BLE001 - any failure is reported with its stage
            results[position] = StageError("decode", error)
    timings: dict[int, list[StageTiming]] = {position: [] for position in drafts}
    with memory_zone(settings):
        for name in settings.stages:
            parse_share = 0.0
            if name in NLP_REQUIREMENTS:
                parsed = parse_together(list(drafts.values()), settings)
                parse_share = parsed / max(len(drafts), 1)
            for position, draft in list(drafts.items()):
                started = time.perf_counter()
                try:
                    STAGES[name](draft, settings)
                except Exception as error:  # noqa: BLE001
                    results[position] = StageError(name, error)
                    del drafts[position]
                    continue
                seconds = time.perf_counter() - started + parse_share
                timings[position].append(StageTiming(stage=name, ms=round(seconds * 1000, 3)))
        for position, draft in drafts.items():
            results[position] = finish(draft, timings[position])
            draft.spacy_doc = None  # its strings are freed when the zone closes
    return results


def memory_zone(settings: Settings) -> AbstractContextManager:
    """spaCy's memory zone around a batch when NLP stages run: the strings and lexemes new words add to the
    vocabulary are freed after the batch, so a worker's memory stays flat over millions of articles
    instead of growing with every new name and number (bench/soak.py). Docs must not outlive the zone."""
    if not any(name in NLP_REQUIREMENTS for name in settings.stages):
        return nullcontext()
    try:
        return nlp_for(settings).memory_zone()
    except RuntimeError:  # the model is missing: each NLP stage then fails and dead-letters its article
        return nullcontext()


def enrich(raw: RawArticle, settings: Settings) -> EnrichedArticle:
    """Run the configured stages over one raw article. Raises StageError naming the stage that failed."""
    (result,) = enrich_many([raw], settings)
    if isinstance(result, StageError):
        raise result
    return result
