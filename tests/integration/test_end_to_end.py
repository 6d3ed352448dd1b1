"""The whole path on the real services: raw topic -> worker -> enriched topic and Elasticsearch."""

from __future__ import annotations

import json
import time

import jsonschema

from pipeline.formats import parse_file
from pipeline.kafka_io import read_topic
from pipeline.models import DeadLetter, RawArticle

from .conftest import REPO, Pipeline

SEED = REPO / "seeds" / "000_3055c024dfb4192d.txt"
INDEXED_WITHIN_S = 120  # includes the worker's start (Kafka group join, spaCy load) on the first article


def seed_article() -> RawArticle:
    [article] = parse_file(SEED, max_bytes=2_000_000)
    return article


def small_article(article_id: str, version: int, body: str) -> RawArticle:
    return RawArticle(id=article_id, version=version, source="test", format="text", body=body)


def send(pipeline: Pipeline, article: RawArticle) -> None:
    pipeline.send(article.model_dump_json().encode(), key=article.id.encode())


def test_seed_is_searchable_repaired_with_entities_and_quotes(pipeline: Pipeline) -> None:
    article = seed_article()
    started = time.monotonic()
    send(pipeline, article)
    pipeline.wait_for(lambda: article.id in pipeline.documents([article.id]), INDEXED_WITHIN_S, "the seed in Elasticsearch")
    print(f"seed searchable {time.monotonic() - started:.1f}s after produce (worker start included)")
    document = pipeline.documents([article.id])[article.id]
    assert "â" not in document["body"]
    assert "Ukraine’s" in document["body"]
    persons = set(document["persons"])
    assert {"JD Vance", "Pete Hegseth", "Dmitry Peskov"} <= persons
    assert any(q["speaker"]["name"] == "Dmitry Peskov" and "provocation" in q["text"] for q in document["quotes"])
    hits = pipeline.es.search(index=pipeline.settings.es_index, query={"match": {"body": "Chernobyl"}})
    assert article.id in [hit["_id"] for hit in hits["hits"]["hits"]]


def test_same_article_twice_is_one_document(pipeline: Pipeline) -> None:
    article = small_article("test:twice", 1, "The minister said the talks in Geneva would go on.")
    send(pipeline, article)
    send(pipeline, article)
    pipeline.wait_for(lambda: article.id in pipeline.documents([article.id]), INDEXED_WITHIN_S, "the article")
    time.sleep(3)  # leave time for the duplicate to arrive too
    pipeline.es.indices.refresh(index=pipeline.settings.es_index)
    count = pipeline.es.count(index=pipeline.settings.es_index, query={"term": {"id": article.id}})["count"]
    assert count == 1
    assert pipeline.documents([article.id])[article.id]["_version"] == 1


def test_newer_version_replaces_older_and_old_replay_does_not(pipeline: Pipeline) -> None:
    article_id = "test:versions"
    send(pipeline, small_article(article_id, 1, "First version: the vote was delayed, officials said."))
    send(pipeline, small_article(article_id, 2, "Second version: the vote took place, officials said."))
    pipeline.wait_for(lambda: pipeline.documents([article_id]).get(article_id, {}).get("version") == 2,
                      INDEXED_WITHIN_S, "version 2")
    send(pipeline, small_article(article_id, 1, "First version: the vote was delayed, officials said."))
    marker = small_article("test:versions-marker", 1, "A later article, produced after the replay.")
    send(pipeline, marker)
    pipeline.wait_for(lambda: marker.id in pipeline.documents([marker.id]), INDEXED_WITHIN_S, "the marker article")
    document = pipeline.documents([article_id])[article_id]
    assert document["version"] == 2 and document["body"].startswith("Second version")


def test_malformed_message_is_dead_lettered_and_next_article_indexed(pipeline: Pipeline) -> None:
    pipeline.send(b'{"headline": "broken json", "body": ', key=b"bad-json")
    good = small_article("test:after-poison", 1, "The council said on Monday that the bridge would reopen.")
    send(pipeline, good)
    pipeline.wait_for(lambda: good.id in pipeline.documents([good.id]), INDEXED_WITHIN_S, "the good article")
    letters = [DeadLetter.model_validate_json(r.value) for r in read_topic(pipeline.settings, pipeline.settings.topic_deadletter)]
    [letter] = [letter for letter in letters if letter.key == b"bad-json"]
    assert letter.stage == "parse" and "JSON" in letter.error
    assert letter.payload == b'{"headline": "broken json", "body": '


def test_downstream_consumer_gets_documents_valid_against_the_published_schema(pipeline: Pipeline) -> None:
    article = small_article("test:schema", 1, "“We will rebuild,” Mayor Anna Kowalska said in Warsaw on Tuesday.")
    send(pipeline, article)
    pipeline.wait_for(lambda: article.id in pipeline.documents([article.id]), INDEXED_WITHIN_S, "the article")
    schema = json.loads((REPO / "schemas" / "enriched-article.schema.json").read_text())
    records = [r for r in read_topic(pipeline.settings, pipeline.settings.topic_enriched) if r.key == article.id.encode()]
    assert records, "the enriched topic has the article"
    document = json.loads(records[-1].value)
    jsonschema.validate(document, schema)
    assert "We will rebuild" in document["quotes"][0]["text"]
