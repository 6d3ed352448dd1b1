"""The published contracts (schemas/) match the code, and the index template maps every field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.contracts import exported_files
from pipeline.index_template import MAPPINGS
from pipeline.models import EnrichedArticle, Entity, Quote, RawArticle, Span, Speaker
from pipeline.settings import Settings

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize("name", sorted(exported_files(Settings())))
def test_checked_in_schema_files_match_the_code(name: str) -> None:
    expected = exported_files(Settings())[name]
    assert (SCHEMAS / name).read_text() == expected, f"schemas/{name} is stale: run `newswire schemas`"


def sample_enriched() -> EnrichedArticle:
    body = "“We will rebuild,” Mayor Anna Kowalska said."
    mention = Span(text="Anna Kowalska", start=24, end=37)
    return EnrichedArticle(
        id="x:1", version=3, source="test", format="text", received_at="2026-01-01T00:00:00Z",
        headline="Rebuild", body=body,
        entities=[Entity(id="person:anna-kowalska", name="Anna Kowalska", type="person", label="PERSON",
                         titles=["mayor"], mentions=[mention], mention_count=1)],
        quotes=[Quote(text="We will rebuild,", start=1, end=17, kind="direct", cue=Span(text="said", start=38, end=42),
                      speaker=Speaker(name="Anna Kowalska", entity="person:anna-kowalska", mention=mention))],
        persons=["Anna Kowalska"], speakers=["Anna Kowalska"],
    )


def test_enriched_json_validates_against_published_schema() -> None:
    schema = json.loads((SCHEMAS / "enriched-article.schema.json").read_text())
    jsonschema.validate(json.loads(sample_enriched().model_dump_json()), schema)


def test_published_schema_rejects_a_document_missing_body() -> None:
    schema = json.loads((SCHEMAS / "enriched-article.schema.json").read_text())
    document = json.loads(sample_enriched().model_dump_json())
    del document["body"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def field_paths(value: object, prefix: str = "") -> set[str]:
    """Dotted paths of every field in a JSON document, lists flattened."""
    if isinstance(value, dict):
        return set().union(*(field_paths(v, f"{prefix}{k}.") | {f"{prefix}{k}"} for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(field_paths(v, prefix) for v in value)) if value else set()
    return set()


def mapped_paths(mapping: dict, prefix: str = "") -> set[str]:
    paths = set()
    for name, spec in mapping.get("properties", {}).items():
        paths.add(f"{prefix}{name}")
        if spec.get("enabled") is False:
            paths.add(f"{prefix}{name}.*")
        paths |= mapped_paths(spec, f"{prefix}{name}.")
    return paths


def test_index_template_maps_every_field_of_an_enriched_article() -> None:
    mapped = mapped_paths(MAPPINGS)
    unmapped = {path for path in field_paths(json.loads(sample_enriched().model_dump_json()))
                if path not in mapped and not any(path.startswith(m[:-1]) for m in mapped if m.endswith(".*"))}
    assert not unmapped


def test_raw_article_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="extra"):
        RawArticle.model_validate({"id": "a", "version": 1, "source": "s", "format": "text", "body": "b", "colour": "red"})
