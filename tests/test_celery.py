"""Background jobs reach a real worker through the configured broker: Redis
when REDIS_URL is set (as in CI), else the filesystem transport that the run
command uses without Redis."""

from __future__ import annotations

import threading
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.conf import settings

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
