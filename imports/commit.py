"""The commit: everything a validated job staged goes into the registry in
one transaction, or nothing does.

A roster is written by personnel's batched service
(``personnel.bulk.cadres_import_staged``: set-based SQL over the staged
rows), inside a history context naming the person who confirmed and the
job, so the history rows the database triggers write say who imported what
and from which file. A record changed by someone else after
the preview is caught by its version (the UPDATE only touches rows still at
the version the preview saw) and the whole commit is refused.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

from core.history import history_context
from imports.errors import CommitRefused
from imports.lrmx_import import commit_lrmx
from imports.models import ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.roster import CADRE_COLUMNS
from personnel.bulk import BulkCounts, StagedRecordsStale, cadres_import_staged
from personnel.models import Cadre

logger = logging.getLogger(__name__)


def _conflicts(job: ImportJob) -> list[str]:
    """People whose stored record moved on since the preview."""
    stale = (
        ImportRow.objects.filter(job=job, status=RowStatus.CHANGED)
        .filter(Q(cadre__isnull=True) | ~Q(cadre__version=models.F("cadre_version")))
        .values_list("row_number", "name")[:5]
    )
    taken = ImportRow.objects.filter(
        job=job, status=RowStatus.NEW, id_number__in=Cadre.objects.filter(id_number__isnull=False).values("id_number")
    ).values_list("row_number", "name")[:5]
    return [f"第{row}行{name}" for row, name in [*stale, *taken]]


def _apply(job: ImportJob) -> BulkCounts:
    staged = ImportRow.objects.filter(job=job)
    if job.committed_by is None:
        raise CommitRefused("该导入尚未由任何人确认")
    try:
        return cadres_import_staged(
            actor=job.committed_by,
            unit=job.unit,
            new=staged.filter(status=RowStatus.NEW),
            changed=staged.filter(status=RowStatus.CHANGED),
            columns=CADRE_COLUMNS,
        )
    except PermissionDenied as exc:
        raise CommitRefused(str(exc)) from None
    except StagedRecordsStale as exc:
        raise CommitRefused(exc.message) from None


def commit_job(job_id: int) -> ImportJob:
    """Write a job the user confirmed (status COMMITTING). Run twice — a
    retried task, a second worker — it commits once: the job row is locked
    and only a COMMITTING job is written."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).select_related("unit", "committed_by").get(pk=job_id)
        if job.status != ImportStatus.COMMITTING:
            return job
        try:
            with transaction.atomic(), history_context(actor=job.committed_by, import_job=job.pk, source="import"):
                if job.kind == ImportKind.LRMX:
                    commit_lrmx(job)
                else:
                    conflicts = _conflicts(job)
                    if conflicts:
                        raise CommitRefused(
                            f"{'、'.join(conflicts)}的记录在预览之后已被修改、删除或新建，导入已取消；"
                            "请重新上传文件，核对预览后再确认"
                        )
                    _apply(job)
        except CommitRefused as exc:
            job.status = ImportStatus.FAILED
            job.message = exc.message
        except DatabaseError:
            logger.exception("commit of import job %s violated a constraint", job.pk)
            job.status = ImportStatus.FAILED
            job.message = (
                "导入时数据库拒绝了部分数据（例如公民身份号码已被他人同时录入），导入已全部取消；请重新上传文件"
            )
        else:
            job.status = ImportStatus.COMMITTED
            job.message = ""
        job.committed_at = timezone.now()
        job.save(update_fields=["status", "message", "committed_at"])
    return job


def committed_before(job: ImportJob) -> ImportJob | None:
    """An earlier committed import of the very same file into the same unit."""
    return (
        ImportJob.objects.filter(file_sha256=job.file_sha256, unit=job.unit, status=ImportStatus.COMMITTED)
        .exclude(pk=job.pk)
        .order_by("-committed_at")
        .first()
    )
