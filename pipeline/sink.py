"""Elasticsearch I/O: the index template, the index behind the alias, and version-aware bulk indexing.

Every article is written with `_id` = article id and its version as an external version, so a duplicate
or an old replay is a harmless 409 and a newer version always wins. Bulk responses are checked item by
item: retryable failures (429, 5xx, timeouts) raise `RetryableIndexError` so the caller backs off and
retries without committing; permanent ones (mapping errors) come back as rejections to dead-letter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch, Elasticsearch

from pipeline.index_template import MAPPINGS, index_template
from pipeline.settings import Settings

RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}


class RetryableIndexError(Exception):
    """Elasticsearch could not take the batch now; retry later, commit nothing."""


@dataclass
class IndexReport:
    indexed: int = 0
    unchanged: int = 0  # same or older version already indexed
    rejected: list[tuple[bytes, str]] = field(default_factory=list)  # (document, reason): dead-letter these


def client_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {"hosts": [settings.es_url], "request_timeout": settings.es_timeout_s}
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password.get_secret_value() if settings.es_password else "")
    if settings.es_ca_certs:
        options["ca_certs"] = settings.es_ca_certs
    return options


def sync_client(settings: Settings) -> Elasticsearch:
    return Elasticsearch(**client_options(settings))


def async_client(settings: Settings) -> AsyncElasticsearch:
    return AsyncElasticsearch(**client_options(settings))


def ensure_index(client: Elasticsearch, settings: Settings) -> str:
    """Install the template and create the first index behind the alias, unless they exist. Returns the index."""
    alias = settings.es_index
    client.indices.put_index_template(name=alias, **index_template(alias))
    if client.indices.exists_alias(name=alias):
        # Contract changes are additive: give the live index the fields a newer version of the code writes.
        client.indices.put_mapping(index=alias, properties=MAPPINGS["properties"])
        return next(iter(client.indices.get_alias(name=alias)))
    index = f"{alias}-000001"
    client.indices.create(index=index, aliases={alias: {"is_write_index": True}})
    return index


def bulk_operations(documents: list[bytes], alias: str) -> list[Any]:
    """Bulk body: one `index` action per enriched article, versioned externally."""
    operations: list[Any] = []
    for document in documents:
        article = json.loads(document)
        operations.append({"index": {"_index": alias, "_id": article["id"], "version": article["version"],
                                     "version_type": "external"}})
        operations.append(article)
    return operations


def read_bulk_response(documents: list[bytes], response: dict[str, Any]) -> IndexReport:
    """Sort each item of a bulk response into indexed, unchanged, rejected, or raise if any is retryable."""
    report = IndexReport()
    for document, item in zip(documents, response["items"]):
        result = item["index"]
        status = result.get("status", 500)
        if status in (200, 201):
            report.indexed += 1
        elif status == 409:
            report.unchanged += 1
        elif status in RETRYABLE_STATUS:
            raise RetryableIndexError(f"bulk item {result.get('_id')}: status {status}: {result.get('error')}")
        else:
            reason = result.get("error", {})
            report.rejected.append((document, f"status {status}: {reason.get('type')}: {reason.get('reason')}"))
    return report


async def index_documents(client: AsyncElasticsearch, documents: list[bytes], settings: Settings) -> IndexReport:
    """Index a batch of enriched articles (JSON bytes). Raises RetryableIndexError when it should be retried."""
    if not documents:
        return IndexReport()
    try:
        response = await client.bulk(operations=bulk_operations(documents, settings.es_index))
    except (TransportConnectionError, ConnectionTimeout) as error:
        raise RetryableIndexError(f"Elasticsearch unreachable: {error}") from error
    except ApiError as error:
        if error.meta.status in RETRYABLE_STATUS:
            raise RetryableIndexError(f"bulk request failed with status {error.meta.status}") from error
        raise
    return read_bulk_response(documents, response.body)


def fetch_documents(client: Elasticsearch, settings: Settings, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The indexed documents among `ids`, by id (after a refresh, so just-indexed ones are seen)."""
    client.indices.refresh(index=settings.es_index)
    response = client.mget(index=settings.es_index, ids=ids)
    return {doc["_id"]: doc["_source"] | {"_version": doc["_version"]} for doc in response["docs"] if doc.get("found")}


def search_articles(client: Elasticsearch, settings: Settings, words: str, speaker: str | None, size: int) -> Any:
    """Articles matching `words`; with `speaker`, only those quoting them, with the matching quotes attached."""
    must: list[dict[str, Any]] = []
    if words:
        must.append({"multi_match": {"query": words, "fields": ["headline^3", "body", "quote_texts^2", "persons^2", "speakers^2"]}})
    if speaker:
        must.append({"nested": {"path": "quotes", "inner_hits": {"size": 20},
                                "query": {"match": {"quotes.speaker.name": {"query": speaker, "operator": "and"}}}}})
    return client.search(index=settings.es_index, size=size, query={"bool": {"must": must or [{"match_all": {}}]}})
