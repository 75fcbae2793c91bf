"""The roster template and roster exports in the template's format.

The template (模板) is the export of an empty list: the same sheet, the same
headers, dropdowns fed by the code tables, an instructions sheet and the
version marker. An export writes the stored values the way the import reads
them, so that exporting a list and importing the file unchanged changes
nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from io import BytesIO
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from accounts.access import scope_of
from core.xlsx import (
    STYLE_HEADER,
    STYLE_TITLE,
    STYLE_WRAP,
    SheetSpec,
    Styled,
    column_letter,
    write_workbook,
)
from imports.models import ExportJob, ExportStatus
from imports.roster import (
    FIELDS_BY_KEY,
    IDENTITY_LABELS,
    SEX_LABELS,
    SHEET_NAME,
    TEMPLATE_FIELDS,
    TEMPLATE_VERSION,
    Kind,
    RosterField,
    date_text,
    unit_labels,
    year_month,
)
from imports.selectors import roster_educations
from imports.xlsx import TEMPLATE_PROPERTY
from personnel.exports import mask_id_number
from personnel.facts import ShownEducation
from personnel.models import Cadre, Code, EducationKind, Unit
from personnel.selectors import cadre_list_visible_to, list_params

if TYPE_CHECKING:
    from accounts.access import Scope

logger = logging.getLogger(__name__)

# Rows of the template that carry the dropdowns.
TEMPLATE_ROWS = 5000
CODE_SHEET = "代码"


def fields_from(keys: Iterable[str] | None) -> list[RosterField]:
    """The chosen roster columns in template order; 姓名 and 公民身份号码
    always (the import needs them to know who a row is)."""
    wanted = set(keys or ()) & {f.key for f in TEMPLATE_FIELDS}
    if not wanted:
        return list(TEMPLATE_FIELDS)
    wanted |= {"name", "id_number"}
    return [f for f in TEMPLATE_FIELDS if f.key in wanted]


# The cadre list's columns (personnel/exports.py) and the roster columns
# that hold the same information: a list exported "with the chosen columns"
# keeps them in the template's format.
LIST_COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "sex": ("sex",),
    "birth": ("birth_date",),
    "age": ("birth_date",),
    "ethnicity": ("ethnicity",),
    "native_place": ("native_place",),
    "political": ("political_status",),
    "unit": ("unit",),
    "current_post": ("current_post",),
    "post_level": ("post_level",),
    "rank": ("rank",),
    "current_post_date": ("current_post_date",),
    "years_in_post": ("current_post_date",),
    "education": ("ft_education", "is_education"),
    "id_number": ("id_number",),
}


def fields_for_list(fields: Iterable[str], cols: Iterable[str]) -> list[RosterField]:
    """Roster columns for an export: ``fields`` (roster keys) when given,
    else those matching the list's chosen ``cols``, else all of them."""
    chosen = [key for key in fields if key]
    if not chosen:
        chosen = [key for col in cols for part in col.split(",") for key in LIST_COLUMN_FIELDS.get(part.strip(), ())]
    return fields_from(chosen)


def _code_lists(fields: Sequence[RosterField]) -> tuple[SheetSpec, dict[str, str], dict[str, str]]:
    """The hidden sheet of code names (one column per table) and the defined
    names the dropdowns point at."""
    tables: list[str] = []
    for f in fields:
        if (
            f.table
            and f.kind in (Kind.CODE, Kind.EDU_LEVEL, Kind.EDU_DEGREE, Kind.CODE_OR_TEXT)
            and f.table not in tables
        ):
            tables.append(f.table)
    columns: list[list[str]] = []
    names: dict[str, str] = {}
    by_table: dict[str, str] = {}
    for index, table in enumerate(tables):
        values = list(
            Code.objects.filter(table=table, is_active=True)
            .order_by("sort_order", "code")
            .values_list("name", flat=True)
        )
        # A name shared by two codes cannot be matched by name: leave it out of the list.
        seen: set[str] = set()
        unique = [v for v in values if not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]
        columns.append([table, *unique])
        letter = column_letter(index)
        name = f"代码_{table}"
        names[name] = f"'{CODE_SHEET}'!${letter}$2:${letter}${len(unique) + 1}"
        by_table[table] = name
    extra = {"sex": ["男", "女"], "identity_category": list(IDENTITY_LABELS.values())}
    for key, values in extra.items():
        index = len(columns)
        columns.append([key, *values])
        letter = column_letter(index)
        name = f"代码_{key}"
        names[name] = f"'{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        by_table[key] = name
    height = max((len(c) for c in columns), default=0)
    rows = [[c[i] if i < len(c) else None for c in columns] for i in range(height)]
    return SheetSpec(CODE_SHEET, rows, hidden=True), names, by_table


def _validations(
    fields: Sequence[RosterField], by_table: dict[str, str], last_row: int
) -> list[tuple[int, int, int, str]]:
    out = []
    for index, f in enumerate(fields):
        key = f.table if f.table else f.key
        if key in by_table and f.kind is not Kind.CODE_OR_TEXT:
            out.append((index, 2, last_row, by_table[key]))
    return out


def _instructions(fields: Sequence[RosterField]) -> SheetSpec:
    rows: list[list[Any]] = [
        [Styled("干部花名册填写说明", STYLE_TITLE)],
        [f"模板版本：{TEMPLATE_VERSION}（请勿修改表头；多出的列导入时忽略）"],
        ["1. 每人一行，按“公民身份号码”识别人员：系统中已有的人员更新，没有的新增。"],
        ["2. 日期写成 1985.03 或 1985.03.12，也可写 198503、1985-03、1985年3月；单元格请保持文本格式。"],
        ["3. 代码项（民族、政治面貌、学历、学位、职务层次、职级等）请从下拉列表中选择。"],
        ["4. 留空的单元格表示“不修改”：导入不会清除系统中已有的内容。"],
        ["5. 不能含有公式；上传后系统先校验并显示预览，确认后才写入，可放心修改后重新上传。"],
        [],
        [Styled("列名", STYLE_HEADER), Styled("是否必填", STYLE_HEADER), Styled("填写要求", STYLE_HEADER),
         Styled("示例", STYLE_HEADER), Styled("可识别的其他列名", STYLE_HEADER)],
    ]  # fmt: skip
    for f in fields:
        rows.append(
            [
                f.label,
                "必填" if f.required else "",
                Styled(f.help or _default_help(f), STYLE_WRAP),
                f.example,
                Styled("、".join(f.synonyms), STYLE_WRAP),
            ]
        )
    return SheetSpec("填写说明", rows, widths=(22, 10, 48, 26, 36))


def _default_help(f: RosterField) -> str:
    if f.kind is Kind.DATE:
        return "年月，如 2019.03"
    if f.kind in (Kind.CODE, Kind.EDU_LEVEL, Kind.EDU_DEGREE):
        return "从下拉列表中选择"
    if f.kind is Kind.CODE_OR_TEXT:
        return "按代码表名称填写；没有对应代码的照实填写"
    return ""


def write_roster(
    output: IO[bytes],
    fields: Sequence[RosterField],
    rows: Iterable[Sequence[Any]],
    *,
    last_row: int = TEMPLATE_ROWS,
    progress: Callable[[int], None] | None = None,
) -> None:
    codes, names, by_table = _code_lists(fields)
    header = [Styled(f.label, STYLE_HEADER) for f in fields]

    def all_rows() -> Iterator[Sequence[Any]]:
        yield header
        yield from rows

    sheet = SheetSpec(
        SHEET_NAME,
        all_rows(),
        widths=[f.width for f in fields],
        freeze_rows=1,
        text_columns=len(fields),
        validations=_validations(fields, by_table, last_row),
        row_heights={1: 30},
    )
    write_workbook(
        output,
        [sheet, _instructions(fields), codes],
        defined_names=names,
        properties={TEMPLATE_PROPERTY: TEMPLATE_VERSION},
        progress=progress,
    )


def template_bytes() -> bytes:
    output = BytesIO()
    write_roster(output, TEMPLATE_FIELDS, [])
    return output.getvalue()


# --- exporting stored people ------------------------------------------------------------------

_CADRE_VALUES = (
    "pk", "name", "sex", "birth_date", "ethnicity_id", "native_place", "birthplace", "political_status_id",
    "party_join_date", "work_start_date", "health_id", "tech_title_id", "tech_title_text", "unit_id",
    "current_post", "current_post_date", "post_level_id", "post_level_date", "rank_id", "rank_date", "id_number",
    "identity_category", "note", "unit__path",
)  # fmt: skip


class RosterRows:
    """Stored cadres as roster rows, read in batches: one query for the
    cadres, one for their educations, names of codes and units from maps
    loaded once."""

    def __init__(self, fields: Sequence[RosterField], scope: Scope) -> None:
        self.fields = list(fields)
        self.scope = scope
        self.codes = dict(Code.objects.values_list("pk", "name"))
        self.units = unit_labels(Unit.objects.only("pk", "name", "path"))
        self.needs_education = any(f.education_kind for f in self.fields)

    def rows(self, queryset: QuerySet[Cadre], *, batch: int = 5000) -> Iterator[list[Any]]:
        values = queryset.values_list(*_CADRE_VALUES).iterator(chunk_size=batch)
        while chunk := list(islice(values, batch)):
            educations = roster_educations([row[0] for row in chunk]) if self.needs_education else {}
            for row in chunk:
                record = dict(zip(_CADRE_VALUES, row, strict=True))
                yield [self.value(f, record, educations.get(record["pk"], {})) for f in self.fields]

    def value(self, f: RosterField, record: dict[str, Any], educations: dict[str, ShownEducation]) -> Any:
        if f.kind is Kind.SKIP:
            return None
        if f.education_kind:
            kind = EducationKind.FULL_TIME if f.education_kind == "full_time" else EducationKind.IN_SERVICE
            entry = educations.get(kind)
            if entry is None:
                return None
            if f.kind is Kind.EDU_LEVEL:
                return entry.education or None
            if f.kind is Kind.EDU_DEGREE:
                return entry.degree or None
            return entry.school or None
        if f.kind is Kind.DATE:
            value = record[f.target]  # type: ignore[index]
            return year_month(value) if f.key == "birth_date" else date_text(value)
        if f.kind is Kind.CODE:
            return self.codes.get(record[f"{f.target}_id"])
        if f.kind is Kind.CODE_OR_TEXT:
            return self.codes.get(record[f"{f.target}_id"]) or record[f"{f.target}_text"] or None
        if f.kind is Kind.SEX:
            return SEX_LABELS.get(record["sex"])
        if f.kind is Kind.CHOICE:
            return IDENTITY_LABELS.get(record["identity_category"])
        if f.kind is Kind.UNIT:
            return self.units.get(record["unit_id"])
        if f.kind is Kind.ID_NUMBER:
            number = record["id_number"]
            if not number:
                return None
            return number if self.scope.can_import_path(record["unit__path"]) else mask_id_number(number)
        return record[f.target] or None  # type: ignore[index]


def export_roster(
    output: IO[bytes],
    queryset: QuerySet[Cadre],
    fields: Sequence[RosterField],
    scope: Scope,
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    rows = RosterRows(fields, scope).rows(queryset)
    write_roster(output, fields, rows, last_row=TEMPLATE_ROWS, progress=progress)


def roster_filename(now: datetime.datetime | None = None) -> str:
    return f"干部花名册_{(now or timezone.localtime()):%Y%m%d_%H%M}.xlsx"


def run_export_job(job_id: int) -> None:
    """Write a queued export (the Celery task calls this); safe to rerun."""

    claimed = ExportJob.objects.filter(pk=job_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).update(
        status=ExportStatus.RUNNING, rows_done=0
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    actor = job.requested_by
    try:
        _, queryset = cadre_list_visible_to(actor=actor, params=list_params(QueryDict(job.query)))
        total = queryset.order_by().count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        write_progress = ExportJob.progress_writer(job.pk)

        def progress(done: int) -> None:
            # The writer counts the header row too.
            write_progress(max(done - 1, 0), total)

        output = BytesIO()
        export_roster(output, queryset, [FIELDS_BY_KEY[k] for k in job.columns if k in FIELDS_BY_KEY] or list(
            TEMPLATE_FIELDS), scope_of(actor), progress=progress)  # fmt: skip
    except Exception:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            message="导出时发生内部错误，请稍后重试或联系系统管理员",
            finished_at=timezone.now(),
        )
        return
    logger.info("roster export job %s by user %s: %d rows, parameters %s", job.pk, actor.pk, total, job.query)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, data=output.getvalue(), rows_done=total, finished_at=timezone.now()
    )
