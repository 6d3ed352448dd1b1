"""A message in, articles or dead letters out: every poison message is dead-lettered with its reason."""

from __future__ import annotations

import pytest

from pipeline.models import RawArticle
from pipeline.process import Message, process_message, process_messages
from pipeline.settings import Settings

SETTINGS = Settings(stages=["repair"], max_article_bytes=100_000)

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<nitf><body><body.content><p>&lol2;</p></body.content></body></nitf>"""


def envelope(**fields: object) -> bytes:
    return RawArticle(**{"id": "a:1", "version": 1, "source": "test", "format": "text", **fields}).model_dump_json().encode()


def test_envelope_is_enriched() -> None:
    outcome = process_message(Message(envelope(body="Ukraineâs president spoke.")), SETTINGS)
    assert not outcome.dead_letters
    [article] = outcome.enriched
    assert article.body == "Ukraine’s president spoke."
    assert article.repairs and article.timings[0].stage == "repair"


@pytest.mark.parametrize("value, stage, reason", [
    (b"\xff\xfe\x00garbage\x00\x01\x02", "parse", ""),
    pytest.param(b"\x8f" + bytes(range(1, 256)) * 16, "parse", "binary", id="binary-without-nul"),
    (b'{"headline": "x", "body": ', "parse", "JSON"),
    (b'{"id": "a", "version": 1, "source": "s", "format": "text", "received_at": "2026-01-01T00:00:00Z", "colour": 1}',
     "validate", "colour"),
    (b"x" * 100_001, "parse", "exceeds"),
    (envelope(body=""), "decode", "empty"),
    (envelope(body="   \n "), "decode", "empty"),
    (BOMB, "parse", ""),
])
def test_poison_message_becomes_a_dead_letter_with_reason(value: bytes, stage: str, reason: str) -> None:
    message = Message(value=value, key=b"k", topic="news.raw", partition=2, offset=41)
    outcome = process_message(message, SETTINGS)
    assert not outcome.enriched
    [letter] = outcome.dead_letters
    assert letter.stage == stage
    assert reason in letter.error
    assert letter.payload == value and letter.payload_size == len(value) and not letter.payload_truncated
    assert (letter.topic, letter.partition, letter.offset) == ("news.raw", 2, 41)


def test_dead_letter_payload_is_truncated_to_the_limit() -> None:
    settings = Settings(stages=["repair"], max_article_bytes=10, max_deadletter_payload_bytes=1024)
    outcome = process_message(Message(b"y" * 5000), settings)
    [letter] = outcome.dead_letters
    assert len(letter.payload) == 1024 and letter.payload_size == 5000 and letter.payload_truncated


def test_a_batch_keeps_message_order_and_matches_one_by_one() -> None:
    """The batched NLP parse gives each article what it gets alone; a poison message spoils nothing else."""
    settings = Settings()
    bodies = ["Kremlin spokesman Dmitry Peskov said the talks would go on. “We are ready,” he said.",
              "Angela Merkel met Emmanuel Macron in Paris on Tuesday, officials said.",
              "Der Minister sagte am Freitag, die Gespräche würden fortgesetzt."]
    messages = [Message(envelope(id=f"a:{n}", body=body)) for n, body in enumerate(bodies)]
    messages.insert(1, Message(b'{"headline": "x", "body": '))
    outcomes = process_messages(messages, settings)
    assert [len(o.enriched) for o in outcomes] == [1, 0, 1, 1]
    assert outcomes[1].dead_letters[0].stage == "parse"
    for outcome, message in zip(outcomes, messages):
        if outcome.enriched:
            alone = process_message(message, settings).enriched[0]
            together = outcome.enriched[0]
            assert together.model_dump(exclude={"timings", "processed_at"}) == alone.model_dump(exclude={"timings", "processed_at"})
    assert outcomes[0].enriched[0].speakers == ["Dmitry Peskov"]
    assert "nlp-skipped-language" in outcomes[3].enriched[0].flags


def test_a_missing_model_dead_letters_each_article_at_its_stage() -> None:
    """A worker deployed without its model must not stall on the batch: every article names the stage."""
    settings = Settings(spacy_model="no_such_spacy_model")
    outcomes = process_messages([Message(envelope(id=f"a:{n}", body="Angela Merkel said on Friday that the talks would go on.")) for n in range(3)], settings)
    assert [len(o.enriched) for o in outcomes] == [0, 0, 0]
    assert all(o.dead_letters[0].stage == "entities" and "no_such_spacy_model" in o.dead_letters[0].error for o in outcomes)
