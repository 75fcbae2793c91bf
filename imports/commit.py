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

import pgtrigger
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.access import scope_of
from core.errors import ConflictError
from core.history import history_context
from imports.models import ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.roster import CADRE_COLUMNS
from personnel.models import Cadre, Education, Unit

logger = logging.getLogger(__name__)


class CommitRefused(ConflictError):
    """The job cannot be committed (now); ``message`` is for the user."""


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
        "WHERE r.job_id = %s AND r.status = 'new'"
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
        f"COALESCE(e.value->>'school', ''), '', NULL, NULL, false, 0 {source} WHERE {where}"
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
    if job.committed_by is None:
        raise CommitRefused("该导入尚未由任何人确认")
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


# The history triggers of the two tables the commit writes. The commit
# writes their history rows itself, one INSERT … SELECT per statement, from
# the rows the statement returns: the same rows the triggers would write
# (every column, the label, the time, the context), at a fraction of the
# cost of a PL/pgSQL call and a single-row INSERT for each of 100,000 rows.
_TRIGGERS = (
    "personnel.Cadre:insert_insert",
    "personnel.Cadre:update_update",
    "personnel.Education:insert_insert",
    "personnel.Education:update_update",
)


def _with_history(model: type[models.Model], statement: str, label: str, returning: str = "*") -> str:
    """``statement`` (an INSERT or UPDATE … RETURNING *) wrapped so that the
    same statement writes the history rows of what it wrote, under the
    current history context."""
    event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    columns: list[str] = []
    values: list[str] = []
    for field in event_model._meta.concrete_fields:
        column = str(field.column)
        if column == "pgh_id":
            continue
        columns.append(f'"{column}"')
        if column == "pgh_created_at":
            values.append("NOW()")
        elif column == "pgh_label":
            values.append(f"'{label}'")
        elif column == "pgh_obj_id":
            values.append("w.id")
        elif column == "pgh_context_id":
            values.append("pgh.context_id")
        else:
            values.append(f'w."{column}"')
    return (
        f"WITH w AS ({statement} RETURNING {returning}), "  # noqa: S608 - names from the models
        # The trigger function that writes (once) and names the context row.
        "pgh AS (SELECT _pgh_attach_context() AS context_id) "
        f"INSERT INTO {event_model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM w CROSS JOIN pgh"
    )


def _apply(job: ImportJob) -> dict[str, int]:
    counts = {"inserted": 0, "updated": 0}
    # pgtrigger's own switch, set for this transaction only (not through
    # pgtrigger.ignore(): its statement prefix would hide pghistory's).
    ignored = sorted(trigger.get_pgid(model) for model, trigger in pgtrigger.registered(*_TRIGGERS))
    with connection.cursor() as cursor:
        # Foreign keys checked as each row is written, not all at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(ignored) + "}"])
        if job.count_new:
            sql, params = _insert_cadres_sql()
            cursor.execute(_with_history(Cadre, sql, "insert"), [*params, job.pk])
            counts["inserted"] = cursor.rowcount
            cursor.execute(
                _with_history(Education, _insert_educations_sql(status=RowStatus.NEW), "insert"),
                [job.pk],
            )
        if job.count_changed:
            sql, params = _update_cadres_sql()
            cursor.execute(_with_history(Cadre, sql, "update", "c.*"), [*params, job.pk])
            counts["updated"] = cursor.rowcount
            cursor.execute(_with_history(Education, _update_educations_sql(), "update", "x.*"), [job.pk])
            cursor.execute(
                _with_history(Education, _insert_educations_sql(status=RowStatus.CHANGED), "insert"),
                [job.pk],
            )
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
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
                if job.kind == ImportKind.LRMX:
                    from imports.lrmx_import import commit_lrmx

                    commit_lrmx(job)
                else:
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
