"""Celery tasks of the checks. Each takes ids and is safe to run twice: a
run is prepared once (under a lock on its row), a chunk is checked once
(under a lock on its row, done in the same transaction as its alerts).
The services enqueue them by name through ``alerts.queue``."""

from __future__ import annotations

import logging

from celery import shared_task

from accounts.access import SYSTEM
from alerts import engine, queue, services
from alerts.models import CheckChunk, CheckRun

logger = logging.getLogger(__name__)


@shared_task(name=queue.PREPARE_RUN)  # type: ignore[untyped-decorator]
def prepare_run(run_id: int) -> None:
    run = CheckRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    pending = engine.prepare(run)
    queue.enqueue_chunks(pending)


@shared_task(name=queue.CHECK_CHUNK)  # type: ignore[untyped-decorator]
def check_chunk(chunk_id: int) -> None:
    try:
        if engine.process_chunk(chunk_id):
            logger.info("alert check run finished with chunk %s", chunk_id)
    except Exception as exc:
        # The chunk's transaction is rolled back and it stays to do; the run
        # shows why, and resuming it (the button, or the next night) retries.
        run_id = CheckChunk.objects.filter(pk=chunk_id).values_list("run_id", flat=True).first()
        if run_id is not None:
            CheckRun.objects.filter(pk=run_id).update(message=f"分块 {chunk_id} 检查失败：{exc}"[:2000])
        raise


@shared_task(name=queue.NIGHTLY_CHECK)  # type: ignore[untyped-decorator]
def nightly_check() -> None:
    """Celery beat: start tonight's run, or finish an interrupted one."""
    services.run_start_or_resume(actor=SYSTEM, trigger="nightly")
