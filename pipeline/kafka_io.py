"""Kafka I/O outside the worker, with kafka-python: topic setup, the producer, reading a topic back."""

from __future__ import annotations

from typing import Any, Iterator

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.settings import Settings


def kafka_options(settings: Settings) -> dict[str, Any]:
    """Connection and security options shared by every kafka-python client."""
    options: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap.split(","),
                               "security_protocol": settings.kafka_security_protocol}
    if settings.kafka_sasl_mechanism:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        if settings.kafka_sasl_password:
            options["sasl_plain_password"] = settings.kafka_sasl_password.get_secret_value()
    if settings.kafka_ssl_cafile:
        options["ssl_cafile"] = settings.kafka_ssl_cafile
    return options


def ensure_topics(settings: Settings) -> list[str]:
    """Create the raw, enriched and dead-letter topics unless they exist. Returns the topics created."""
    admin = KafkaAdminClient(**kafka_options(settings), client_id="newswire-setup")
    try:
        existing = set(admin.list_topics())
        wanted = [settings.topic_raw, settings.topic_enriched, settings.topic_deadletter]
        # Dead letters wait for an editor: keep them for 30 days whatever the broker's default.
        configs = {settings.topic_deadletter: {"retention.ms": str(30 * 24 * 3600 * 1000)}}
        created = [name for name in wanted if name not in existing]
        for name in created:
            try:
                admin.create_topics([NewTopic(name, settings.topic_partitions, settings.topic_replication,
                                              topic_configs={"max.message.bytes": str(settings.kafka_max_message_bytes),
                                                             **configs.get(name, {})})])
            except TopicAlreadyExistsError:
                pass  # another process created it in between
        return created
    finally:
        admin.close()


def make_producer(settings: Settings) -> KafkaProducer:
    """A producer that loses nothing: acks from all replicas, idempotent retries."""
    return KafkaProducer(**kafka_options(settings), acks="all", enable_idempotence=True, linger_ms=20,
                         max_request_size=settings.kafka_max_message_bytes, compression_type="gzip")


def read_topic(settings: Settings, topic: str, idle_timeout_s: float = 3.0) -> Iterator[Any]:
    """Every record of `topic` from the beginning, without joining a consumer group; stops when idle."""
    consumer = KafkaConsumer(**kafka_options(settings), enable_auto_commit=False, group_id=None,
                             consumer_timeout_ms=int(idle_timeout_s * 1000), fetch_max_bytes=settings.kafka_max_message_bytes,
                             max_partition_fetch_bytes=settings.kafka_max_message_bytes)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        yield from consumer
    finally:
        consumer.close()
