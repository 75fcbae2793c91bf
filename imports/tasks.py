"""Celery tasks. Each is safe to run twice (acks_late redelivers a task
whose worker died): validation starts over, the commit writes only a job
still marked 正在导入, an export rewrites its file."""

from __future__ import annotations

from celery import shared_task

from imports.commit import commit_job
from imports.exports import run_export_job
from imports.validation import validate_job


@shared_task(name="imports.validate")  # type: ignore[untyped-decorator]
def validate_import(job_id: int) -> None:
    validate_job(job_id)


@shared_task(name="imports.commit")  # type: ignore[untyped-decorator]
def commit_import(job_id: int) -> None:
    commit_job(job_id)


@shared_task(name="imports.export")  # type: ignore[untyped-decorator]
def run_export(job_id: int) -> None:
    run_export_job(job_id)
