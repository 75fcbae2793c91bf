"""What users do with imports and exports: upload a file, confirm or
cancel a validated job, ask for a large export. The browser and the REST
API call these; the work itself runs in Celery tasks (imports/tasks.py)."""

from __future__ import annotations

import hashlib
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.access import path_q, scope_of
from core.errors import ConflictError
from imports.lrmx_import import UploadRefused, upload_kind, upload_payload
from imports.models import ExportJob, ImportFile, ImportJob, ImportKind, ImportStatus
from imports.tasks import commit_import, run_export, validate_import
from personnel.models import Unit

if TYPE_CHECKING:
    from accounts.access import Actor
    from accounts.models import User


class ImportRefused(ConflictError):
    """A request about an import that cannot be done; ``message`` is for the user."""


def import_units_for(actor: Actor) -> list[Unit]:
    """The units an actor may import into, top-level first."""
    paths = scope_of(actor).import_paths
    if not paths:
        return []
    return list(Unit.objects.filter(path_q(paths, "path"), is_active=True).order_by("path", "sort_order"))


def upload_limit(kind: str) -> int:
    """The largest file of a kind: a roster workbook, or a form file / zip
    of forms (photos make those larger)."""
    if kind == ImportKind.LRMX:
        return int(settings.INTERCHANGE_LIMITS["upload_bytes"])
    return int(settings.CADRE_IMPORT_MAX_BYTES)


def max_upload_bytes() -> int:
    """How much of an upload is read before its kind is known."""
    return max(upload_limit(ImportKind.ROSTER), upload_limit(ImportKind.LRMX))


def can_import(actor: Actor) -> bool:
    return bool(scope_of(actor).import_paths)


@transaction.atomic
def import_upload(*, actor: User, unit: Unit, filename: str, data: bytes, kind: str = ImportKind.ROSTER) -> ImportJob:
    """Record an upload and queue its validation. A file over the size limit
    is recorded as rejected (without its bytes) so that the user's list of
    imports says what happened to it."""
    if not scope_of(actor).can_import_path(unit.path):
        raise PermissionDenied("您无权向该单位导入人员")
    job = ImportJob(
        kind=kind,
        uploaded_by=actor,
        unit=unit,
        filename=(filename or "未命名.xlsx")[-255:],
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    limit = upload_limit(kind)
    if len(data) > limit:
        job.status = ImportStatus.REJECTED
        job.message = (
            f"文件大小为{len(data) / 1024 / 1024:.1f} MB，超过上限{limit / 1024 / 1024:.1f} MB，请拆分后分批导入"
        )
        job.validated_at = timezone.now()
        job.save()
        return job
    job.save()
    ImportFile.objects.create(job=job, data=data)
    transaction.on_commit(lambda: validate_import.delay(job.pk))
    return job


def import_upload_file(
    *, actor: User, unit: Unit, upload: IO[bytes], filename: str, pic: IO[bytes] | None
) -> ImportJob:
    """An uploaded file (and for an .lrm its optional .pic), as the page and
    the API receive them: read at most one byte past the largest limit, the
    kind decided from the file, then recorded by ``import_upload``. Raises
    UploadRefused for a pair that cannot go together."""
    limit = max_upload_bytes()
    data = upload.read(limit + 1)
    kind = upload_kind(filename, data)
    if pic is not None and kind != ImportKind.LRMX:
        raise UploadRefused("照片文件（.pic）只能与 .lrm 文件一起上传")
    payload = upload_payload(filename, data, pic.read(limit + 1) if pic is not None else None)
    return import_upload(actor=actor, unit=unit, filename=filename, data=payload, kind=kind)


def _may_act_on(actor: Actor, job: ImportJob) -> bool:
    return getattr(actor, "pk", None) == job.uploaded_by_id or scope_of(actor).can_write_path(job.unit.path)


@transaction.atomic
def import_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Confirm a validated job. Only one confirmation ever wins: the status
    moves from 待确认 to 正在导入 in one conditional UPDATE, so two clicks,
    two tabs or two API calls queue the commit once."""
    if not _may_act_on(actor, job):
        raise PermissionDenied("只有上传人或该单位的组织部门工作人员可以确认导入")
    moved = (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED, count_invalid=0)
        .exclude(count_new=0, count_changed=0)
        .update(status=ImportStatus.COMMITTING, committed_by=actor)
    )
    job.refresh_from_db()
    if not moved:
        raise ImportRefused(_why_not(job))
    transaction.on_commit(lambda: commit_import.delay(job.pk))
    return job


def _why_not(job: ImportJob) -> str:
    if job.status == ImportStatus.COMMITTED:
        return "该文件已经导入，不能重复导入"
    if job.status == ImportStatus.COMMITTING:
        return "正在导入，请勿重复提交"
    if job.status in (ImportStatus.PENDING, ImportStatus.VALIDATING):
        return "文件仍在校验，请稍候"
    if job.status == ImportStatus.VALIDATED and job.count_invalid:
        return f"文件中还有{job.count_invalid}行有错误，请修改后重新上传"
    if job.status == ImportStatus.VALIDATED:
        return "与现有数据相比没有任何变化，无需导入"
    return f"该导入的状态为“{job.get_status_display()}”，不能确认"


@transaction.atomic
def import_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    if not _may_act_on(actor, job):
        raise PermissionDenied("只有上传人或该单位的组织部门工作人员可以取消导入")
    moved = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.VALIDATED]
    ).update(status=ImportStatus.CANCELLED)
    job.refresh_from_db()
    if not moved:
        raise ImportRefused(f"该导入的状态为“{job.get_status_display()}”，不能取消")
    return job


@transaction.atomic
def export_request(*, actor: User, query: str, columns: list[str], filename: str) -> ExportJob:
    """Queue a large roster export; the worker writes the file onto the job."""
    scope = scope_of(actor)
    if scope.is_admin or not scope.read_paths:
        raise PermissionDenied("您的账号没有查看干部信息的权限")
    job = ExportJob.objects.create(requested_by=actor, query=query[:2000], columns=columns, filename=filename)
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job
