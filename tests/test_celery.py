"""Background jobs reach a real worker through the configured broker: Redis
when REDIS_URL is set (as in CI), else the filesystem transport that the run
command uses without Redis."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from kombu.connection import Connection

from cadre import broker
from cadre.celery import app

received: list[str] = []
done = threading.Event()


@app.task(name="tests.record_message")  # type: ignore[untyped-decorator]
def record_message(message: str) -> None:
    received.append(message)
    done.set()


def test_broker_matches_the_environment() -> None:
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
    else:
        assert app.conf.broker_url == "filesystem://"
        with app.connection_for_write() as connection:
            assert isinstance(connection.transport, broker.Transport)


def test_a_task_runs_on_a_real_worker() -> None:
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    received.clear()
    done.clear()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        record_message.delay("你好")
        assert done.wait(timeout=30), "the worker did not run the task"
    assert received == ["你好"]


def _filesystem_connection(tmp_path: Path) -> Connection:
    # kombu keeps declared exchanges in class-level state: each test uses its
    # own queue name so its binding is written into its own control folder.
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(tmp_path / "control"),
        "store_processed": False,
    }
    return Connection("filesystem://", transport="cadre.broker:Transport", transport_options=options)


def test_a_filesystem_message_appears_only_whole(tmp_path: Path, monkeypatch) -> None:
    """kombu's own writer opened the final name and then wrote into it: a
    polling worker could take the still-empty file and die on it."""
    seen_while_writing: list[list[str]] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        seen_while_writing.append(sorted(p.name for p in (tmp_path / "queue").iterdir()))
        real_replace(src, dst)

    monkeypatch.setattr("cadre.broker.os.replace", replace)
    with _filesystem_connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs")
        queue.put({"job": 7})
        # Before the rename only the .part file existed, which the reader skips.
        assert [name.endswith(".jobs.msg.part") for name in seen_while_writing[0]] == [True]
        assert [p.name.endswith(".jobs.msg") for p in (tmp_path / "queue").iterdir()] == [True]
        assert queue.get(timeout=5).payload == {"job": 7}
        queue.close()


def test_an_undecodable_message_file_is_set_aside_and_the_next_one_read(tmp_path: Path) -> None:
    with _filesystem_connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs2")
        (tmp_path / "queue" / "0_broken.jobs2.msg").write_bytes(b"")
        queue.put({"job": 8})
        # The empty file (sorted first) is logged and dropped; the consumer
        # goes on to the next message instead of dying.
        assert queue.get(timeout=5).payload == {"job": 8}
        assert not (tmp_path / "queue" / "0_broken.jobs2.msg").exists()
        queue.close()
