"""The commit: everything a validated job staged goes into the registry in
one transaction, or nothing does.

It is set-based SQL over the staging rows (one INSERT … SELECT for the new
people, one UPDATE … FROM for the changed ones, the same for their
education rows), inside a history context naming the person who confirmed
and the job, so the history rows the database triggers write say who
imported what and from which file. A record changed by someone else after
the preview is caught by its version (the UPDATE only touches rows still at
the version the preview saw) and the whole commit is refused.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.access import scope_of
from imports.models import ImportJob, ImportRow, ImportStatus, RowStatus
from imports.roster import CADRE_COLUMNS
from personnel.history import history_context
from personnel.models import Cadre, Education, Unit

logger = logging.getLogger(__name__)


class CommitRefused(Exception):
    """The job cannot be committed (now); ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _sql_default(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return timezone.now()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise AssertionError(f"{field.name} needs a value")


def _insert_cadres_sql() -> tuple[str, list[Any]]:
    columns: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    for field in Cadre._meta.concrete_fields:
        if field.primary_key:
            continue
        column = str(field.column)
        columns.append(column)
        if column in CADRE_COLUMNS:
            cast = CADRE_COLUMNS[column]
            if field.null or not (field.has_default() or isinstance(field, models.CharField | models.TextField)):
                # Always staged for a new person (name, sex, birth date, unit).
                expressions.append(f"(r.data->>'{column}')::{cast}")
            else:
                expressions.append(f"COALESCE((r.data->>'{column}')::{cast}, %s)")
                params.append(_sql_default(field))
        else:
            expressions.append("%s")
            params.append(_sql_default(field))
    # Table and column names come from the models, values are parameters.
    sql = (
        f"INSERT INTO {Cadre._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {ImportRow._meta.db_table} r "
        "WHERE r.job_id = %s AND r.status = 'new' ORDER BY r.row_number"
    )
    return sql, params


def _update_cadres_sql() -> tuple[str, list[Any]]:
    sets = []
    for column, cast in CADRE_COLUMNS.items():
        if column == "id_number":
            continue
        sets.append(f"{column} = CASE WHEN r.data ? '{column}' THEN (r.data->>'{column}')::{cast} ELSE c.{column} END")
    sets.append("version = c.version + 1")
    sets.append("updated_at = %s")
    sql = (
        f"UPDATE {Cadre._meta.db_table} c SET {', '.join(sets)} FROM {ImportRow._meta.db_table} r "  # noqa: S608
        "WHERE r.job_id = %s AND r.status = 'changed' AND c.id = r.cadre_id AND c.version = r.cadre_version"
    )
    return sql, [timezone.now()]


def _insert_educations_sql(*, status: str) -> str:
    """Education rows for new people (joined by ID number) or for changed
    people who had none of that kind (op without row_id)."""
    edu = Education._meta.db_table
    cadre = Cadre._meta.db_table
    rows = ImportRow._meta.db_table
    if status == RowStatus.NEW:
        source = f"FROM {rows} r JOIN {cadre} c ON c.id_number = r.id_number, jsonb_each(r.data->'edu') e"
        where = "r.job_id = %s AND r.status = 'new' AND r.data ? 'edu'"
        cadre_id = "c.id"
    else:
        source = f"FROM {rows} r, jsonb_each(r.data->'edu') e"
        where = "r.job_id = %s AND r.status = 'changed' AND r.data ? 'edu' AND (e.value->>'row_id') IS NULL"
        cadre_id = "r.cadre_id"
    return (
        f"INSERT INTO {edu} (cadre_id, kind, education_id, degree_id, school, major, start_date, end_date, "
        "is_highest, sort_order) "
        f"SELECT {cadre_id}, e.key, (e.value->>'education_id')::bigint, (e.value->>'degree_id')::bigint, "
        f"COALESCE(e.value->>'school', ''), '', NULL, NULL, false, 0 {source} WHERE {where} "
        "ORDER BY r.row_number, e.key"
    )


def _update_educations_sql() -> str:
    edu = Education._meta.db_table
    rows = ImportRow._meta.db_table
    return (
        f"UPDATE {edu} x SET "  # noqa: S608
        "education_id = CASE WHEN s.op ? 'education_id' THEN (s.op->>'education_id')::bigint ELSE x.education_id END, "
        "degree_id = CASE WHEN s.op ? 'degree_id' THEN (s.op->>'degree_id')::bigint ELSE x.degree_id END, "
        "school = CASE WHEN s.op ? 'school' THEN s.op->>'school' ELSE x.school END, "
        "major = CASE WHEN s.op ? 'school' THEN '' ELSE x.major END "
        f"FROM (SELECT (e.value->>'row_id')::bigint AS row_id, r.cadre_id, e.value AS op FROM {rows} r, "
        "jsonb_each(r.data->'edu') e WHERE r.job_id = %s AND r.status = 'changed' AND r.data ? 'edu' "
        "AND (e.value->>'row_id') IS NOT NULL) s WHERE x.id = s.row_id AND x.cadre_id = s.cadre_id"
    )


def _check_scope(job: ImportJob) -> None:
    """The one confirming must (still) be allowed to write every unit the
    job touches: the units rows go to and the units the changed people are in."""
    scope = scope_of(job.committed_by)
    if not scope.can_import_path(job.unit.path):
        raise CommitRefused(f"您无权向“{job.unit.name}”导入人员")
    rows = ImportRow.objects.filter(job=job, status__in=[RowStatus.NEW, RowStatus.CHANGED])
    unit_ids = {int(u) for u in rows.filter(data__has_key="unit_id").values_list("data__unit_id", flat=True).distinct()}
    unit_ids |= set(
        Cadre.objects.filter(pk__in=rows.filter(status=RowStatus.CHANGED).values("cadre_id"))
        .values_list("unit_id", flat=True)
        .distinct()
    )
    for path in Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True):
        if not scope.can_import_path(path) or not path.startswith(job.unit.path):
            raise CommitRefused("文件中有人员所在单位不在您的管理范围内，导入已取消")


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


def _apply(job: ImportJob) -> dict[str, int]:
    counts = {"inserted": 0, "updated": 0}
    with connection.cursor() as cursor:
        # Deferred FK checks make the history triggers' row-by-row work
        # quadratic in one big transaction; checking each row as written
        # keeps the commit linear.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if job.count_new:
            sql, params = _insert_cadres_sql()
            cursor.execute(sql, [*params, job.pk])
            counts["inserted"] = cursor.rowcount
            cursor.execute(_insert_educations_sql(status=RowStatus.NEW), [job.pk])
        if job.count_changed:
            sql, params = _update_cadres_sql()
            cursor.execute(sql, [*params, job.pk])
            counts["updated"] = cursor.rowcount
            cursor.execute(_update_educations_sql(), [job.pk])
            cursor.execute(_insert_educations_sql(status=RowStatus.CHANGED), [job.pk])
    if counts["inserted"] != job.count_new or counts["updated"] != job.count_changed:
        raise CommitRefused("预览之后有人员记录被他人修改，导入已取消；请重新上传文件，核对预览后再确认")
    return counts


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
                _check_scope(job)
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
        except IntegrityError:
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
