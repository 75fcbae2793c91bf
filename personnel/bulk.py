"""Many cadres written at once: the imports' writes.

``cadres_write`` writes whole records (a cadre with its sub-records, as the
form-file import builds them) in a fixed number of statements;
``cadres_import_staged`` writes a roster's staged rows, set-based.

For a roster, the rows to write are staged by the caller (imports stages
one row per person of a roster) and given here as two querysets over the staging model:
the new people and the changed ones. Each staged row has ``data`` (JSON: the
cadre's columns by column name, plus ``edu``: education operations by kind),
``id_number``, and for a changed person ``cadre`` and ``cadre_version`` (the
version the preview compared against).

The write is one INSERT … SELECT for the new people, one UPDATE … FROM for
the changed ones and the same for their education rows, whatever the number
of rows. History rows are written by pghistory's own triggers, which are
statement-level on the registry's tables (``core.history.track``): one
INSERT of the history rows per statement, from the statement's transition
table, under the caller's history context.
"""

from __future__ import annotations

import operator
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.access import scope_of
from core.history import history_context
from personnel.access import require_write
from personnel.models import Appraisal, Cadre, Education, FamilyMember, Photo, ResumeEntry, Unit

if TYPE_CHECKING:
    from accounts.access import Actor


STALE_MESSAGE = "预览之后有人员记录被他人修改，导入已取消；请重新上传文件，核对预览后再确认"


class StagedRecordsStale(Exception):
    """A staged change no longer applies: the person's record moved on since
    the staging compared it (its version), or was deleted."""

    def __init__(
        self, message: str = "预览之后有人员记录被他人修改，导入已取消；请重新上传文件，核对预览后再确认"
    ) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BulkCounts:
    inserted: int
    updated: int


def _cast(field: models.Field[Any, Any]) -> str:
    """The SQL type a staged JSON text is cast to for this column."""
    if field.is_relation:
        return "bigint"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.TextField):
        return "text"
    if isinstance(field, models.CharField):
        return "varchar"
    raise AssertionError(f"{field.name}: no staged form")


def _staged_columns(columns: Collection[str]) -> dict[str, str]:
    fields = {str(f.column): f for f in Cadre._meta.concrete_fields}
    unknown = set(columns) - set(fields)
    if unknown:
        raise AssertionError(f"not columns of the cadre table: {sorted(unknown)}")
    return {column: _cast(fields[column]) for column in columns}


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


def _subquery(rows: QuerySet[Any], *fields: str) -> tuple[str, list[Any]]:
    sql, params = rows.order_by().values(*fields).query.sql_with_params()
    return f"({sql})", list(params)


def _insert_cadres_sql(casts: dict[str, str], new: QuerySet[Any]) -> tuple[str, list[Any]]:
    columns: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    for field in Cadre._meta.concrete_fields:
        if field.primary_key:
            continue
        column = str(field.column)
        columns.append(column)
        if column in casts:
            cast = casts[column]
            if field.null or not (field.has_default() or isinstance(field, models.CharField | models.TextField)):
                # Always staged for a new person (name, sex, birth date, unit).
                expressions.append(f"(r.data->>'{column}')::{cast}")
            else:
                expressions.append(f"COALESCE((r.data->>'{column}')::{cast}, %s)")
                params.append(_sql_default(field))
        else:
            expressions.append("%s")
            params.append(_sql_default(field))
    source, source_params = _subquery(new, "data")
    # Table and column names come from the models, values are parameters.
    sql = (
        f"INSERT INTO {Cadre._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source} r"
    )
    return sql, [*params, *source_params]


def _update_cadres_sql(casts: dict[str, str], changed: QuerySet[Any]) -> tuple[str, list[Any]]:
    sets = []
    for column, cast in casts.items():
        if column == "id_number":
            continue
        sets.append(f"{column} = CASE WHEN r.data ? '{column}' THEN (r.data->>'{column}')::{cast} ELSE c.{column} END")
    sets.append("version = c.version + 1")
    sets.append("updated_at = %s")
    source, source_params = _subquery(changed, "data", "cadre_id", "cadre_version")
    sql = (
        f"UPDATE {Cadre._meta.db_table} c SET {', '.join(sets)} FROM {source} r "  # noqa: S608
        "WHERE c.id = r.cadre_id AND c.version = r.cadre_version"
    )
    return sql, [timezone.now(), *source_params]


_EDUCATION_COLUMNS = (
    "cadre_id, kind, education_id, degree_id, school, major, start_date, end_date, is_highest, sort_order"
)


def _insert_new_educations_sql(new: QuerySet[Any]) -> tuple[str, list[Any]]:
    """Education rows of the new people, joined to them by ID number."""
    source, params = _subquery(new.filter(data__has_key="edu"), "data", "id_number")
    sql = (
        f"INSERT INTO {Education._meta.db_table} ({_EDUCATION_COLUMNS}) "  # noqa: S608
        "SELECT c.id, e.key, (e.value->>'education_id')::bigint, (e.value->>'degree_id')::bigint, "
        "COALESCE(e.value->>'school', ''), '', NULL, NULL, false, 0 "
        f"FROM {source} r JOIN {Cadre._meta.db_table} c ON c.id_number = r.id_number, jsonb_each(r.data->'edu') e"
    )
    return sql, params


def _insert_changed_educations_sql(changed: QuerySet[Any]) -> tuple[str, list[Any]]:
    """Education rows of changed people who had none of that kind (an
    operation without ``row_id``)."""
    source, params = _subquery(changed.filter(data__has_key="edu"), "data", "cadre_id")
    sql = (
        f"INSERT INTO {Education._meta.db_table} ({_EDUCATION_COLUMNS}) "  # noqa: S608
        "SELECT r.cadre_id, e.key, (e.value->>'education_id')::bigint, (e.value->>'degree_id')::bigint, "
        "COALESCE(e.value->>'school', ''), '', NULL, NULL, false, 0 "
        f"FROM {source} r, jsonb_each(r.data->'edu') e WHERE (e.value->>'row_id') IS NULL"
    )
    return sql, params


def _update_educations_sql(changed: QuerySet[Any]) -> tuple[str, list[Any]]:
    source, params = _subquery(changed.filter(data__has_key="edu"), "data", "cadre_id")
    sql = (
        f"UPDATE {Education._meta.db_table} x SET "  # noqa: S608
        "education_id = CASE WHEN s.op ? 'education_id' THEN (s.op->>'education_id')::bigint ELSE x.education_id END, "
        "degree_id = CASE WHEN s.op ? 'degree_id' THEN (s.op->>'degree_id')::bigint ELSE x.degree_id END, "
        "school = CASE WHEN s.op ? 'school' THEN s.op->>'school' ELSE x.school END, "
        "major = CASE WHEN s.op ? 'school' THEN '' ELSE x.major END "
        "FROM (SELECT (e.value->>'row_id')::bigint AS row_id, r.cadre_id, e.value AS op "
        f"FROM {source} r, jsonb_each(r.data->'edu') e WHERE (e.value->>'row_id') IS NOT NULL) s "
        "WHERE x.id = s.row_id AND x.cadre_id = s.cadre_id"
    )
    return sql, params


def _check_scope(actor: Actor, unit: Unit, new: QuerySet[Any], changed: QuerySet[Any]) -> None:
    """The actor must (still) be allowed to import into ``unit`` and into
    every unit the batch touches: the units rows go to and the units the
    changed people are in, all inside ``unit``'s subtree."""
    scope = scope_of(actor)
    if not scope.can_import_path(unit.path):
        raise PermissionDenied(f"您无权向“{unit.name}”导入人员")
    unit_ids: set[int] = set()
    for rows in (new, changed):
        staged = rows.filter(data__has_key="unit_id").order_by().values_list("data__unit_id", flat=True).distinct()
        unit_ids |= {int(u) for u in staged}
    unit_ids |= set(
        Cadre.objects.filter(pk__in=changed.values("cadre_id")).order_by().values_list("unit_id", flat=True).distinct()
    )
    for path in Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True):
        if not scope.can_import_path(path) or not path.startswith(unit.path):
            raise PermissionDenied("文件中有人员所在单位不在您的管理范围内，导入已取消")


@transaction.atomic
def cadres_import_staged(
    *,
    actor: Actor,
    unit: Unit,
    new: QuerySet[Any],
    changed: QuerySet[Any],
    columns: Collection[str],
) -> BulkCounts:
    """Write staged people into the registry in ``unit``'s subtree: ``new``
    become cadres (with their education rows), ``changed`` update theirs —
    only the ``columns`` a row stages, only if the record is still at the
    staged version. All or nothing: when any changed record moved on, or was
    deleted, StagedRecordsStale and nothing is written; a unit outside the
    actor's import scope is PermissionDenied. A person staged as new whose
    ID number was taken meanwhile fails on the unique constraint (an
    IntegrityError from the database)."""
    _check_scope(actor, unit, new, changed)
    casts = _staged_columns(columns)
    expected_new, expected_changed = new.count(), changed.count()
    counts = {"inserted": 0, "updated": 0}
    with history_context(actor=actor), connection.cursor() as cursor:
        # Foreign keys checked as each row is written, not all at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if expected_new:
            cursor.execute(*_insert_cadres_sql(casts, new))
            counts["inserted"] = cursor.rowcount
            cursor.execute(*_insert_new_educations_sql(new))
        if expected_changed:
            cursor.execute(*_update_cadres_sql(casts, changed))
            counts["updated"] = cursor.rowcount
            cursor.execute(*_update_educations_sql(changed))
            cursor.execute(*_insert_changed_educations_sql(changed))
    if counts["inserted"] != expected_new or counts["updated"] != expected_changed:
        raise StagedRecordsStale()
    return BulkCounts(**counts)


# --- form records: many cadres with their sub-records -------------------------------------


@dataclass
class CadreWrite:
    """One cadre's part of a batched write of whole records (the form-file
    import), built but not saved by the caller: a new cadre, or a stored one
    (loaded with its educations and photo, and locked, by the caller) with
    its changed values set. The sub-record rows given replace what they
    stand for; everything else the cadre has is kept."""

    cadre: Cadre
    created: bool
    fields: set[str] = dataclass_field(default_factory=set)  # the Cadre fields changed (a stored cadre)
    educations: list[Education] = dataclass_field(default_factory=list)  # rows to add
    drop_educations: list[int] = dataclass_field(default_factory=list)  # stored rows they replace
    demote_kinds: list[str] = dataclass_field(default_factory=list)  # kinds whose kept rows stop being the highest
    replaced: set[type[models.Model]] = dataclass_field(default_factory=set)  # lists replaced as wholes
    rows: list[models.Model] = dataclass_field(default_factory=list)  # their new rows (ResumeEntry, Appraisal …)
    photo: bytes | None = None
    photo_content_type: str = "image/jpeg"


_REPLACEABLE = (ResumeEntry, Appraisal, FamilyMember)
# Always saved for a stored cadre: derived from the name and the ID number.
_ALWAYS = {"name", "name_pinyin", "name_initials", "id_number", "version", "updated_at"}


@transaction.atomic
def cadres_write(*, actor: Actor, unit: Unit, writes: list[CadreWrite]) -> list[Cadre]:
    """Write many whole records in a fixed number of statements: new cadres
    into ``unit``, stored ones brought in line, each stored cadre's version
    bumped once. The caller has checked every row (this writes, it does not
    validate) and provides the history context; ``actor`` must be allowed
    to write every unit touched (an import's background commit acts as
    SYSTEM, having checked the import's own scope rule). History rows are
    written by the triggers."""
    if not writes:
        return []
    for unit_to_write in {unit if w.created else w.cadre.unit for w in writes}:
        require_write(actor, unit_to_write)
    created = [w for w in writes if w.created]
    updated = [w for w in writes if not w.created]
    Cadre.objects.bulk_create([w.cadre for w in created])
    if updated:
        now = timezone.now()
        names = set(_ALWAYS)
        for w in updated:
            names |= w.fields
            w.cadre.version += 1
            w.cadre.updated_at = now
        Cadre.objects.bulk_update([w.cadre for w in updated], sorted(names))
    drop = [pk for w in updated for pk in w.drop_educations]
    if drop:
        Education.objects.filter(pk__in=drop).delete()
    demote = [Q(cadre=w.cadre, kind=kind) for w in updated for kind in w.demote_kinds]
    if demote:
        # The new rows are the highest: the entries kept stay, below them.
        Education.objects.filter(reduce(operator.or_, demote), is_highest=True).update(is_highest=False)
    for model in _REPLACEABLE:
        ids = [w.cadre.pk for w in updated if model in w.replaced]
        if ids:
            model._default_manager.filter(cadre_id__in=ids).delete()
    Education.objects.bulk_create([row for w in writes for row in w.educations])
    for model in _REPLACEABLE:
        new_rows: list[Any] = [row for w in writes for row in w.rows if isinstance(row, model)]
        model._default_manager.bulk_create(new_rows)
    photos_new: list[Photo] = []
    photos_changed: list[Photo] = []
    for w in writes:
        if w.photo is None:
            continue
        current = None
        if not w.created:
            try:
                current = w.cadre.photo
            except Photo.DoesNotExist:
                current = None
        if current is None:
            photos_new.append(Photo(cadre=w.cadre, data=w.photo, content_type=w.photo_content_type))
        else:
            current.data, current.content_type = w.photo, w.photo_content_type
            photos_changed.append(current)
    Photo.objects.bulk_create(photos_new)
    if photos_changed:
        Photo.objects.bulk_update(photos_changed, ["data", "content_type"])
    return [w.cadre for w in writes]
