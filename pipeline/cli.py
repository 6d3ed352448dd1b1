"""The `newswire` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pipeline.settings import get_settings

app = typer.Typer(help="newswire: repair wire copy, extract entities and quotes, index into Elasticsearch.",
                  no_args_is_help=True, add_completion=False)
deadletter_app = typer.Typer(help="Inspect and replay dead letters.", no_args_is_help=True)
app.add_typer(deadletter_app, name="deadletter")
console = Console(stderr=True)


@app.command()
def setup() -> None:
    """Create the Kafka topics and the Elasticsearch index template, index and alias (idempotent)."""
    from pipeline.kafka_io import ensure_topics
    from pipeline.sink import ensure_index, sync_client

    settings = get_settings()
    created = ensure_topics(settings)
    console.print(f"topics: {', '.join(created) or 'all present'}")
    index = ensure_index(sync_client(settings), settings)
    console.print(f"index: alias [bold]{settings.es_index}[/] -> {index}")


@app.command()
def produce(paths: list[Path] = typer.Argument(..., help="Files or folders (.txt, .json, .jsonl, wire XML, ANPA).")) -> None:
    """Send articles to the raw topic, keyed by their stable id."""
    from pipeline.kafka_io import make_producer
    from pipeline.produce import find_files, produce_files

    settings = get_settings()
    files = find_files(paths)
    producer = make_producer(settings)
    with Progress(TextColumn("producing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, disable=len(files) < 20) as progress:
        task = progress.add_task("files", total=len(files))
        report = produce_files(files, producer, settings, on_file=lambda _: progress.advance(task))
    producer.close()
    for path, reason in report.failures:
        console.print(f"[red]not sent[/] {path}: {reason}")
    console.print(f"{report.files} files read, {report.articles} articles sent to {settings.topic_raw}, "
                  f"{len(report.failures)} failures")
    raise typer.Exit(1 if report.failures else 0)


@app.command()
def worker(loglevel: str = typer.Option("info", help="Faust log level."),
           shutdown_grace_s: float = typer.Option(20.0, help="On SIGTERM, longest wait for in-flight batches; "
                                                  "then exit without committing them (keep it below the "
                                                  "orchestrator's kill timeout).")) -> None:
    """Run the Faust worker: raw -> enrich -> enriched topic -> Elasticsearch; failures -> dead-letter topic."""
    from pipeline.app import Worker, create_app

    setup()
    Worker(create_app(get_settings()), loglevel=loglevel, shutdown_grace_s=shutdown_grace_s).execute_from_commandline()


@app.command()
def enrich(paths: list[Path] = typer.Argument(..., help="Files or folders to enrich offline.")) -> None:
    """Enrich articles without Kafka or Elasticsearch: one enriched article as JSON per line on stdout."""
    from pipeline.enrich import StageError, enrich as enrich_article
    from pipeline.formats import parse_file
    from pipeline.produce import find_files

    settings = get_settings()
    failed = 0
    for path in find_files(paths):
        try:
            articles = parse_file(path, max_bytes=settings.max_article_bytes)
            for article in articles:
                sys.stdout.write(enrich_article(article, settings).model_dump_json() + "\n")
        except (OSError, ValueError, StageError) as error:
            failed += 1
            console.print(f"[red]failed[/] {path}: {error}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def repair(file: Optional[Path] = typer.Argument(None, help="Text file; stdin when omitted."),
           explain: bool = typer.Option(False, "--explain", help="Also list every fix applied, on stderr.")) -> None:
    """Repair broken text encoding: text in, repaired text out."""
    from pipeline.repair import decode_bytes, explain as explain_repair, repair_text

    data = file.read_bytes() if file else sys.stdin.buffer.read()
    text, decoding = decode_bytes(data)
    repaired = repair_text(text)
    sys.stdout.write(repaired.text)
    if explain:
        if decoding is not None:
            console.print(f"decoded: {decoding.examples or decoding.fix}")
        console.print(explain_repair(repaired))


@deadletter_app.command("list")
def deadletter_list(limit: int = typer.Option(50, help="Show at most this many.")) -> None:
    """List dead letters: when, stage, article, reason."""
    from pipeline.kafka_io import read_topic
    from pipeline.models import DeadLetter

    settings = get_settings()
    table = Table("failed at", "stage", "article", "size", "reason")
    count = 0
    for record in read_topic(settings, settings.topic_deadletter):
        letter = DeadLetter.model_validate_json(record.value)
        count += 1
        if count <= limit:
            table.add_row(letter.failed_at.isoformat(timespec="seconds"), letter.stage, letter.article_id or "-",
                          f"{letter.payload_size:,}", letter.error[:120])
    Console().print(table)
    console.print(f"{count} dead letters in {settings.topic_deadletter}")


@deadletter_app.command("replay")
def deadletter_replay(stage: Optional[str] = typer.Option(None, help="Only dead letters of this stage."),
                      article: Optional[str] = typer.Option(None, help="Only this article id.")) -> None:
    """Send dead letters' original payloads back to the raw topic, e.g. after a fix."""
    from pipeline.kafka_io import make_producer, read_topic
    from pipeline.models import DeadLetter

    settings = get_settings()
    producer = make_producer(settings)
    replayed = skipped = 0
    for record in read_topic(settings, settings.topic_deadletter):
        letter = DeadLetter.model_validate_json(record.value)
        if (stage and letter.stage != stage) or (article and letter.article_id != article):
            continue
        if letter.payload_truncated:
            skipped += 1
            console.print(f"[yellow]skipped[/] truncated payload; original at {letter.topic}/{letter.partition}@{letter.offset}")
            continue
        producer.send(settings.topic_raw, key=letter.key, value=letter.payload)
        replayed += 1
    producer.flush()
    producer.close()
    console.print(f"replayed {replayed} dead letters to {settings.topic_raw}, skipped {skipped}")


@app.command()
def schemas(check: bool = typer.Option(False, "--check", help="Fail if the files in schemas/ differ from the code."),
            out: Path = typer.Option(Path("schemas"), help="Folder to write.")) -> None:
    """Export the JSON Schemas of the contracts and the Elasticsearch index template."""
    from pipeline.contracts import exported_files

    stale = []
    for name, content in exported_files(get_settings()).items():
        path = out / name
        if check:
            if not path.exists() or path.read_text() != content:
                stale.append(name)
        else:
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    if stale:
        console.print(f"[red]out of date:[/] {', '.join(stale)}; run `newswire schemas`")
        raise typer.Exit(1)
    console.print("schemas up to date" if check else f"wrote {out}/")


@app.command()
def search(query: str = typer.Argument("", help="Words to find in headlines, bodies and quotes."),
           speaker: Optional[str] = typer.Option(None, help="Only quotes by this speaker, e.g. 'Peskov'."),
           size: int = typer.Option(5)) -> None:
    """Search indexed articles; with --speaker, show what that person or organisation was quoted saying."""
    from pipeline.sink import search_articles, sync_client

    settings = get_settings()
    response = search_articles(sync_client(settings), settings, query, speaker, size)
    out = Console()
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        out.print(f"[bold]{source.get('headline') or source['body'][:80]}[/]  ({source['id']}, v{source['version']})")
        for inner in hit.get("inner_hits", {}).get("quotes", {}).get("hits", {}).get("hits", []):
            quote = inner["_source"]
            out.print(f"  {quote['kind']}: “{quote['text'][:160]}” — {quote['speaker']['name']}")
    out.print(f"{response['hits']['total']['value']} matching articles")


@app.command()
def demo(paths: list[Path] = typer.Argument([Path("seeds")], help="What to produce."),
         timeout_s: float = typer.Option(180, help="Give up when not all articles are indexed by then.")) -> None:
    """The whole pipeline once: set up, produce, run a worker until every article is indexed, show them."""
    import subprocess
    import time

    from pipeline.kafka_io import make_producer
    from pipeline.produce import find_files, produce_files
    from pipeline.sink import fetch_documents, sync_client

    settings = get_settings()
    setup()
    producer = make_producer(settings)
    report = produce_files(find_files(paths), producer, settings)
    producer.close()
    ids = list(dict.fromkeys(report.ids))
    console.print(f"produced {len(ids)} articles; starting a worker")
    started = time.monotonic()
    worker_process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "worker", "--loglevel", "warning"])
    try:
        documents: dict = {}
        while len(documents) < len(ids) and time.monotonic() - started < timeout_s:
            time.sleep(1)
            documents = fetch_documents(sync_client(settings), settings, ids)
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=60)
    console.print(f"{len(documents)}/{len(ids)} articles searchable after {time.monotonic() - started:.1f}s")
    for document in documents.values():
        show_document(document)
    console.print(f"\nSearch it:  newswire search Chernobyl  |  newswire search --speaker Peskov\n"
                  f"            curl -s '{settings.es_url}/{settings.es_index}/_search?q=body:Chernobyl&pretty'\n"
                  f"Kibana:     a data view on '{settings.es_index}' (time field received_at)")
    raise typer.Exit(0 if len(documents) == len(ids) else 1)


def show_document(document: dict) -> None:
    """Headline, top entities and quotes with speakers, for a person reading the terminal."""
    out = Console()
    out.rule(document.get("headline") or document["body"][:80])
    entities = sorted(document["entities"], key=lambda e: -e["mention_count"])[:10]
    out.print("entities: " + ", ".join(f"{e['name']} ({e['type']}, {e['mention_count']})" for e in entities))
    repairs = ", ".join(f"{r['fix']} x{r['count']}" for r in document["repairs"]) or "none"
    out.print(f"repairs: {repairs}")
    table = Table("kind", "speaker", "quote")
    for quote in document["quotes"]:
        table.add_row(quote["kind"], quote["speaker"]["name"] or "(unknown)", quote["text"][:100])
    out.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
