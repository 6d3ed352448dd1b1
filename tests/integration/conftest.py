"""Fixtures for tests on the real Kafka and Elasticsearch started by deploy/local/services.sh.

Each test session uses its own topics, consumer group and index alias, so runs never see each other's data.
A missing service is a failure with instructions, never a skip: these tests are the proof that the pipeline works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch

from pipeline.kafka_io import ensure_topics, make_producer
from pipeline.settings import Settings
from pipeline.sink import ensure_index, fetch_documents, sync_client

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


def isolated_env(run_id: str, name: str) -> dict[str, str]:
    """NEWSWIRE_* variables giving one test its own topics, group and index."""
    prefix = f"t{run_id}-{name}"
    return {
        "NEWSWIRE_TOPIC_RAW": f"{prefix}.raw",
        "NEWSWIRE_TOPIC_ENRICHED": f"{prefix}.enriched",
        "NEWSWIRE_TOPIC_DEADLETTER": f"{prefix}.deadletter",
        "NEWSWIRE_CONSUMER_GROUP": f"{prefix}-group",
        "NEWSWIRE_ES_INDEX": f"{prefix}-news",
        "NEWSWIRE_DATA_DIR": str(REPO / ".local" / "test-workers" / prefix),
        "NEWSWIRE_BATCH_WINDOW_S": "0.5",
    }


class Pipeline:
    """One isolated pipeline: its settings, a producer, worker processes, and the index to check."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.settings = Settings(**{k.removeprefix("NEWSWIRE_").lower(): v for k, v in env.items()})
        self.workers: list[subprocess.Popen] = []
        self.producer = make_producer(self.settings)
        self.es: Elasticsearch = sync_client(self.settings)
        ensure_topics(self.settings)
        ensure_index(self.es, self.settings)

    def start_worker(self, **env: str) -> subprocess.Popen:
        """Start a worker; `env` overrides NEWSWIRE_* variables for this worker only.

        Each worker leads its own process group, so `kill_worker` takes its pool processes down with it,
        as when a container is killed.
        """
        Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)
        log = open(Path(self.settings.data_dir) / f"worker{len(self.workers)}.log", "wb")
        process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "worker", "--loglevel", "info"],
                                   env={**os.environ, **self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=REPO, start_new_session=True)
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and its pool processes: no shutdown code runs, nothing is committed."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # already gone
        process.wait(timeout=30)

    def send(self, value: bytes, key: bytes | None = None) -> None:
        self.producer.send(self.settings.topic_raw, key=key, value=value).get(timeout=30)

    def wait_for(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return
            for process in self.workers:
                assert process.poll() is None or process.returncode in (0, -signal.SIGKILL, -signal.SIGTERM), \
                    f"worker exited with {process.returncode}"
            time.sleep(0.5)
        raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")

    def documents(self, ids: list[str]) -> dict[str, dict]:
        return fetch_documents(self.es, self.settings, ids)

    def close(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill_worker(process)
        self.producer.close()
        self.es.close()


@pytest.fixture(scope="session", autouse=True)
def services_running() -> None:
    settings = Settings()
    try:
        sync_client(settings).cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"Elasticsearch is not reachable at {settings.es_url} ({error}); "
                    f"start the services: bash deploy/local/services.sh start", pytrace=False)


@pytest.fixture(scope="module")
def pipeline(run_id: str, request: pytest.FixtureRequest) -> Iterator[Pipeline]:
    """A pipeline with one running worker, shared by the tests of a module."""
    name = request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    running = Pipeline(isolated_env(run_id, name))
    running.start_worker()
    yield running
    running.close()
