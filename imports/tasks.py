"""Celery tasks. Each is safe to run twice (acks_late redelivers a task
whose worker died): validation starts over, the commit writes only a job
still marked 正在导入, an export rewrites its file."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="imports.validate")  # type: ignore[untyped-decorator]
def validate_import(job_id: int) -> None:
    from imports.validation import validate_job

    validate_job(job_id)


@shared_task(name="imports.commit")  # type: ignore[untyped-decorator]
def commit_import(job_id: int) -> None:
    from imports.commit import commit_job

    commit_job(job_id)


@shared_task(name="imports.export")  # type: ignore[untyped-decorator]
def run_export(job_id: int) -> None:
    from imports.exports import run_export_job

    run_export_job(job_id)
