"""How the checks' background work is enqueued: by task name, so that the
services (which enqueue) and the tasks (which call the services and the
engine) both depend on this module and not on each other."""

from __future__ import annotations

from collections.abc import Iterable

from celery import current_app

PREPARE_RUN = "alerts.prepare_run"
CHECK_CHUNK = "alerts.check_chunk"
NIGHTLY_CHECK = "alerts.nightly_check"


def enqueue_prepare(run_id: int) -> None:
    current_app.send_task(PREPARE_RUN, args=[run_id])


def enqueue_chunks(chunk_ids: Iterable[int]) -> None:
    for chunk_id in chunk_ids:
        current_app.send_task(CHECK_CHUNK, args=[chunk_id])
