"""The Faust app: topics and two agents, wired to the plain functions that do the work.

    news.raw ──enrich_raw──▶ news.enriched ──index_enriched──▶ Elasticsearch
        └────────────────────────┴──▶ news.deadletter

At-least-once, never at-most-once: both agents take a batch without acking (`noack_take`), write its
results, wait until Kafka or Elasticsearch confirm them, and only then ack, so Faust commits an offset
only after the output is durable. A crash replays the uncommitted batch; the sink's external versions
make the replay harmless. CPU-bound NLP runs in a process pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import ssl
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Awaitable, Callable

import faust

from pipeline.models import DeadLetter, EnrichedArticle
from pipeline.process import Message, MessageOutcome, dead_letter, process_batch
from pipeline.settings import Settings, get_settings
from pipeline.sink import async_client, index_documents

log = logging.getLogger("newswire.worker")

def broker_credentials(settings: Settings) -> Any:
    """SASL and/or TLS for Kafka, from the settings; None for plaintext."""
    protocol = settings.kafka_security_protocol
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile) if "SSL" in protocol else None
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
            mechanism=settings.kafka_sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    return context


def kafka_message(event: Any) -> Message:
    message = event.message
    return Message(value=message.value or b"", key=message.key, topic=message.topic,
                   partition=message.partition, offset=message.offset)


def chunks(items: list[Any], count: int) -> list[list[Any]]:
    """Split `items` into at most `count` contiguous, nearly equal chunks (one per pool process)."""
    size = -(-len(items) // max(count, 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


def new_pool(settings: Settings) -> ProcessPoolExecutor | None:
    return ProcessPoolExecutor(max_workers=settings.nlp_processes) if settings.nlp_processes else None


async def until_done(what: str, step: Callable[[list[Message]], Awaitable[None]], messages: list[Message]) -> None:
    """Run `step` until it succeeds, backing off while Kafka or Elasticsearch is unavailable.

    Failures here are of the infrastructure, never of an article (those become dead letters), so giving
    up would lose the batch; waiting holds the offsets back and is the backpressure on the pipeline.
    """
    delay = 0.5
    while True:
        try:
            await step(messages)
            return
        except Exception as error:  # noqa: BLE001 - logged, then retried
            log.warning("%s of %d messages failed (%s: %s); retrying in %.1fs",
                        what, len(messages), type(error).__name__, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


class Worker(faust.Worker):
    """Faust's worker, with a bound on graceful shutdown.

    On SIGTERM or SIGINT Faust lets every in-flight batch finish and be acked, commits, and stops. A batch
    cannot finish while Kafka or Elasticsearch is down, so the worker would ignore SIGTERM for as long as
    the outage lasts. After `shutdown_grace_s` it exits hard instead, as in a crash: the unfinished batch
    stays uncommitted and the next worker replays it, which the version-aware sinks make harmless.
    """

    def __init__(self, app: faust.App, *, shutdown_grace_s: float, **options: Any):
        super().__init__(app, **options)
        self.shutdown_grace_s = shutdown_grace_s

    async def stop(self) -> None:
        asyncio.get_running_loop().call_later(self.shutdown_grace_s, exit_uncommitted, self.shutdown_grace_s)
        await super().stop()


def exit_uncommitted(grace_s: float) -> None:
    log.error("in-flight batches did not finish within %.0fs of the stop signal (Kafka or Elasticsearch down?); "
              "exiting without committing them: they will be replayed", grace_s)
    for child in multiprocessing.active_children():  # the NLP pool would outlive a hard exit
        child.kill()
    os._exit(1)


def create_app(settings: Settings | None = None) -> faust.App:
    settings = settings or get_settings()
    app = faust.App(
        settings.consumer_group,  # Faust's app id is its consumer group
        broker=[f"kafka://{host}" for host in settings.kafka_bootstrap.split(",")],
        broker_credentials=broker_credentials(settings),
        value_serializer="raw",
        key_serializer="raw",
        consumer_auto_offset_reset="earliest",
        producer_max_request_size=settings.kafka_max_message_bytes,
        producer_acks=-1,
        # Bounded prefetch, so a backlog on one topic cannot starve the other agent or fill memory: Faust's
        # delivery loop blocks on a full stream buffer while holding the rest of the poll, so with the
        # defaults (unlimited poll, 4096-event buffers, 32 MiB fetches) a raw backlog kept every enriched
        # article away from Elasticsearch for minutes (bench/soak.py). A poll now returns at most one batch.
        # Larger messages still arrive: the broker returns a first record batch above the fetch size (KIP-74).
        broker_max_poll_records=settings.batch_size,
        stream_buffer_maxsize=4 * settings.batch_size,
        consumer_max_fetch_size=1024 * 1024,
        # A killed worker's partitions move to the others (or to its restart) once its session times out;
        # Faust's 60 s default stalls the whole group that long. Heartbeats come from the event loop,
        # which the NLP never blocks (it runs in the pool), so 10 s is safe. BROKER_SESSION_TIMEOUT overrides.
        broker_session_timeout=10.0,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        web_enabled=False,
        datadir=settings.data_dir,
    )
    raw_topic = app.topic(settings.topic_raw, value_type=bytes, key_type=bytes)
    enriched_topic = app.topic(settings.topic_enriched, value_type=bytes, key_type=bytes)
    deadletter_topic = app.topic(settings.topic_deadletter, value_type=bytes, key_type=bytes)
    pool_holder: dict[str, ProcessPoolExecutor | None] = {"pool": new_pool(settings)}
    elasticsearch = async_client(settings)

    async def publish(topic: faust.TopicT, records: list[tuple[bytes | None, bytes]]) -> None:
        """Send records and wait until the broker has acknowledged every one."""
        pending = [await topic.send(key=key, value=value, force=True) for key, value in records]
        await asyncio.gather(*pending)

    async def publish_dead_letters(letters: list[DeadLetter]) -> None:
        for letter in letters:
            log.warning("dead letter: stage=%s article=%s reason=%s", letter.stage, letter.article_id, letter.error[:300])
        await publish(deadletter_topic, [(letter.article_id.encode() if letter.article_id else letter.key,
                                          letter.model_dump_json().encode()) for letter in letters])

    async def enrich_messages(messages: list[Message]) -> list[MessageOutcome]:
        """Enrich off the event loop: one chunk of the batch per pool process."""
        loop = asyncio.get_running_loop()
        parts = chunks(messages, settings.nlp_processes or 1)
        try:
            results = await asyncio.gather(
                *(loop.run_in_executor(pool_holder["pool"], process_batch, part) for part in parts))
        except BrokenProcessPool:
            pool_holder["pool"] = new_pool(settings)  # a pool process died; the batch is retried on a new pool
            raise
        return [outcome for part in results for outcome in part]

    async def enrich_batch(messages: list[Message]) -> None:
        outcomes = await enrich_messages(messages)
        articles: list[EnrichedArticle] = [article for outcome in outcomes for article in outcome.enriched]
        await publish(enriched_topic, [(a.id.encode(), a.model_dump_json().encode()) for a in articles])
        await publish_dead_letters([letter for outcome in outcomes for letter in outcome.dead_letters])

    async def index_batch(messages: list[Message]) -> None:
        report = await index_documents(elasticsearch, [message.value for message in messages], settings)
        by_value = {message.value: message for message in messages}
        await publish_dead_letters([dead_letter(by_value[document], "index", ValueError(reason), settings)
                                    for document, reason in report.rejected])
        log.info("indexed %d, unchanged %d, rejected %d", report.indexed, report.unchanged, len(report.rejected))

    @app.agent(raw_topic)
    async def enrich_raw(stream: faust.StreamT) -> None:
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_window_s):
            await until_done("enrich", enrich_batch, [kafka_message(event) for event in events])
            for event in events:
                await stream.ack(event)

    @app.agent(enriched_topic)
    async def index_enriched(stream: faust.StreamT) -> None:
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_window_s):
            await until_done("index", index_batch, [kafka_message(event) for event in events])
            for event in events:
                await stream.ack(event)

    @app.on_before_shutdown.connect
    async def close_resources(app: faust.App, **_: Any) -> None:  # noqa: ARG001 - signal signature
        await elasticsearch.close()
        if pool_holder["pool"] is not None:
            pool_holder["pool"].shutdown(wait=True, cancel_futures=True)

    return app
