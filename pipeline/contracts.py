"""The files in `schemas/`: JSON Schemas of the contracts and the index template, generated from the code.

`newswire schemas` writes them; `newswire schemas --check` and the contract tests fail when they drift.
"""

from __future__ import annotations

import json

from pipeline.index_template import index_template
from pipeline.models import DeadLetter, EnrichedArticle, RawArticle
from pipeline.settings import Settings

SCHEMA_FILES = {
    "raw-article.schema.json": RawArticle,
    "enriched-article.schema.json": EnrichedArticle,
    "dead-letter.schema.json": DeadLetter,
}


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def exported_files(settings: Settings) -> dict[str, str]:
    files = {}
    for name, model in SCHEMA_FILES.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://newswire.invalid/schemas/{name}"
        files[name] = _dump(schema)
    files["index-template.json"] = _dump(index_template(settings.es_index))
    return files
