"""`newswire produce`: files and folders in, raw articles on the raw topic, keyed by article id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata

from pipeline.formats import parse_file
from pipeline.models import RawArticle
from pipeline.settings import Settings

READABLE_SUFFIXES = {".txt", ".json", ".jsonl", ".xml", ".nitf", ".atom", ".rss", ".tst"}


@dataclass
class ProduceReport:
    files: int = 0
    articles: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    ids: list[str] = field(default_factory=list)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files named on the command line, and the readable files inside named folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES))
        else:
            found.append(path)
    return found


def send_article(producer: KafkaProducer, article: RawArticle, topic: str) -> FutureRecordMetadata:
    return producer.send(topic, key=article.id.encode(), value=article.model_dump_json().encode())


def produce_files(files: list[Path], producer: KafkaProducer, settings: Settings,
                  on_file: Callable[[Path], None] = lambda _: None) -> ProduceReport:
    """Parse each file and send its articles; a file that cannot be read is reported, not fatal."""
    report = ProduceReport()
    sent: list[tuple[Path, FutureRecordMetadata]] = []
    for path in files:
        report.files += 1
        try:
            articles = parse_file(path, max_bytes=settings.max_article_bytes)
        except (OSError, ValueError) as error:  # FormatError is a ValueError
            report.failures.append((str(path), f"{type(error).__name__}: {error}"))
        else:
            sent.extend((path, send_article(producer, article, settings.topic_raw)) for article in articles)
            report.ids.extend(article.id for article in articles)
        on_file(path)
    producer.flush()
    for path, future in sent:
        if future.failed():
            report.failures.append((str(path), f"not delivered: {future.exception}"))
        else:
            report.articles += 1
    return report
