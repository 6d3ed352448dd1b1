"""The composed stages on the seed as received: repair, then entities and quotes on the repaired text."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.enrich import StageError, enrich, guess_language
from pipeline.formats import parse_file
from pipeline.models import RawArticle
from pipeline.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_3055c024dfb4192d.txt"
GOLD = (REPO / "tests" / "fixtures" / "seed.repaired.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def enriched_seed():
    [raw] = parse_file(SEED, max_bytes=2_000_000)
    return enrich(raw, Settings())


def test_seed_body_is_repaired_exactly(enriched_seed) -> None:
    assert enriched_seed.body == GOLD.strip() or enriched_seed.body == GOLD
    assert {change.fix for change in enriched_seed.repairs} and all(c.field == "body" for c in enriched_seed.repairs)


def test_seed_offsets_index_the_repaired_body(enriched_seed) -> None:
    body = enriched_seed.body
    for entity in enriched_seed.entities:
        for mention in entity.mentions:
            assert body[mention.start:mention.end] == mention.text
    for quote in enriched_seed.quotes:
        assert body[quote.start:quote.end] == quote.text


def test_seed_flat_fields_follow_entities_and_quotes(enriched_seed) -> None:
    assert set(enriched_seed.persons) == {"JD Vance", "Pete Hegseth", "Vladimir Putin", "Donald Trump", "Mark Toth",
                                          "Volodymyr Zelensky", "Dmitry Peskov"}
    assert set(enriched_seed.speakers) <= set(enriched_seed.persons) | set(enriched_seed.organisations)
    assert [t.stage for t in enriched_seed.timings] == ["repair", "entities", "quotes"]


def test_stages_are_configured_not_hard_wired() -> None:
    raw = RawArticle(id="a", version=1, source="t", format="text", body="Ukraineâs capital is Kyiv, he said.")
    article = enrich(raw, Settings(stages=["repair"]))
    assert article.body == "Ukraine’s capital is Kyiv, he said." and not article.entities and not article.quotes


def test_non_english_copy_is_repaired_but_not_run_through_the_english_model() -> None:
    raw = RawArticle(id="a", version=1, source="t", format="text", language="de",
                     body="Bundeskanzler Olaf Scholz sagte in Berlin, die Gespräche gingen weiter.")
    article = enrich(raw, Settings())
    assert not article.entities and "nlp-skipped-language" in article.flags


def test_empty_body_fails_in_the_decode_stage() -> None:
    with pytest.raises(StageError) as failure:
        enrich(RawArticle(id="a", version=1, source="t", format="text", body=" "), Settings())
    assert failure.value.stage == "decode"


def test_guess_language_needs_some_words() -> None:
    assert guess_language("") is None
