"""The cadre list's columns, shared by the list page and its Excel export,
and the .xlsx writer.

One definition per column says its Chinese header, how its value is read
from a cadre (at the list's 计算年龄时间), which sort it offers and what the
query must fetch for it, so the page and the export can never disagree.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from personnel.models import Cadre, Education, EducationKind

if TYPE_CHECKING:
    from accounts.access import Scope

Value = str | int | None


@dataclass(frozen=True)
class RowContext:
    """What a cell's value depends on besides the cadre: the reference date
    of ages and years (计算年龄时间) and the actor's scope."""

    as_of: datetime.date
    scope: Scope

    def shows_full_id_number(self, cadre: Cadre) -> bool:
        """The full 公民身份号码 only for those who maintain the record: org
        staff whose jurisdiction covers the cadre's unit. Leaders and unit
        clerks see it masked: a list is a bulk view (screens, projectors,
        printouts, spreadsheets passed around) and the full number is
        sensitive personal information that their work on a list does not
        need; the birth month, which the middle digits hold, is its own
        column anyway. Search by the number still works for everyone."""
        return self.scope.can_write_path(cadre.unit.path)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Cadre, RowContext], Value]
    # The OrderingFilter value that sorts this column ascending ("-x" for a
    # column that grows as the field shrinks, such as age), if it sorts.
    ordering: str | None = None
    numeric: bool = False
    # Long text that wraps on the page instead of widening the table.
    wraps: bool = False
    default: bool = True
    related: tuple[str, ...] = ()
    educations: bool = False


def year_month(value: datetime.date | None) -> str | None:
    """A year-month the way the national form writes it: 1985.03."""
    return f"{value:%Y.%m}" if value else None


def mask_id_number(number: str) -> str:
    """Region code and the last four characters; the birth date and the
    sequence number hidden: 330102********123X."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else "*" * len(number)


def _id_number(cadre: Cadre, ctx: RowContext) -> Value:
    if not cadre.id_number:
        return None
    return cadre.id_number if ctx.shows_full_id_number(cadre) else mask_id_number(cadre.id_number)


def highest_education(cadre: Cadre) -> str | None:
    """The highest full-time 学历, and the in-service one when it is higher
    (the roster convention: 大学，在职研究生). ZB64 codes are ordered from the
    highest down. Reads the prefetched educations: no query."""
    best: dict[str, Education] = {}
    for entry in cadre.educations.all():
        code = entry.education
        if code is None:
            continue
        current = best.get(entry.kind)
        if current is None or current.education is None or code.sort_order < current.education.sort_order:
            best[entry.kind] = entry
    full_time = best.get(EducationKind.FULL_TIME)
    in_service = best.get(EducationKind.IN_SERVICE)
    parts = []
    if full_time is not None and full_time.education is not None:
        parts.append(full_time.education.name)
    if in_service is not None and in_service.education is not None:
        higher = full_time is None or full_time.education is None
        higher = higher or in_service.education.sort_order < full_time.education.sort_order  # type: ignore[union-attr]
        if higher:
            parts.append(f"在职{in_service.education.name}")
    return "，".join(parts) or None


def _name_of(attr: str) -> Callable[[Cadre, RowContext], Value]:
    def read(cadre: Cadre, ctx: RowContext) -> Value:
        related = getattr(cadre, attr)
        return related.name if related is not None else None

    return read


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", lambda c, ctx: c.name, ordering="name"),
    Column("sex", "性别", lambda c, ctx: c.get_sex_display()),
    Column("birth", "出生年月", lambda c, ctx: year_month(c.birth_date), ordering="birth_date"),
    Column("age", "年龄", lambda c, ctx: c.age_at(ctx.as_of), ordering="-birth_date", numeric=True),
    Column("ethnicity", "民族", _name_of("ethnicity"), related=("ethnicity",)),
    Column("native_place", "籍贯", lambda c, ctx: c.native_place or None),
    Column("political", "政治面貌", _name_of("political_status"), related=("political_status",)),
    Column("unit", "单位", _name_of("unit"), ordering="unit", wraps=True, related=("unit",)),
    Column("current_post", "现任职务", lambda c, ctx: c.current_post or None, wraps=True),
    Column("post_level", "职务层次", _name_of("post_level"), ordering="post_level", related=("post_level",)),
    Column("rank", "职级", _name_of("rank"), ordering="rank", default=False, related=("rank",)),
    Column(
        "current_post_date", "任现职时间", lambda c, ctx: year_month(c.current_post_date), ordering="current_post_date"
    ),
    Column(
        "years_in_post",
        "任现职年限",
        lambda c, ctx: c.years_in_post(ctx.as_of),
        ordering="-current_post_date",
        numeric=True,
        default=False,
    ),
    Column("education", "学历", lambda c, ctx: highest_education(c), wraps=True, educations=True),
    Column("id_number", "公民身份号码", _id_number, default=False),
    Column(
        "retirement",
        "退休时间",
        lambda c, ctx: year_month(c.retirement_month()),
        default=False,
        related=("age_limit",),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMN_KEYS = tuple(column.key for column in COLUMNS if column.default)
# The name identifies the row and links to the record: always shown.
REQUIRED_COLUMN_KEYS = ("name",)


def columns_from(params: Mapping[str, Any]) -> list[Column]:
    """The chosen columns (``?cols=sex&cols=age``, or ``cols=sex,age``) in
    the table's order; none chosen means the default set."""
    getlist = getattr(params, "getlist", None)
    raw = getlist("cols") if getlist is not None else params.get("cols") or []
    if isinstance(raw, str):
        raw = [raw]
    wanted = {key for value in raw for key in re.split(r"[,\s]+", str(value)) if key in COLUMNS_BY_KEY}
    if not wanted:
        wanted = set(DEFAULT_COLUMN_KEYS)
    wanted |= set(REQUIRED_COLUMN_KEYS)
    return [column for column in COLUMNS if column.key in wanted]


def with_columns(queryset: QuerySet[Cadre], columns: Iterable[Column]) -> QuerySet[Cadre]:
    """Fetch what the columns read, in a fixed number of queries: the
    related rows joined, the educations in one prefetch per page."""
    columns = list(columns)
    related = {name for column in columns for name in column.related}
    # The unit is always needed: ID-number masking depends on its path.
    queryset = queryset.select_related("unit", *sorted(related))
    if any(column.educations for column in columns):
        queryset = queryset.prefetch_related(
            Prefetch("educations", queryset=Education.objects.select_related("education").order_by("sort_order", "id"))
        )
    return queryset


def row_values(cadre: Cadre, columns: Iterable[Column], ctx: RowContext) -> list[Value]:
    return [column.value(cadre, ctx) for column in columns]


# --- .xlsx ----------------------------------------------------------------------------------

# Excel, LibreOffice and WPS start a formula at these characters (and a
# leading tab or carriage return can hide one). Such a value is written as an
# explicit string with the "quote prefix" style, the cell state Excel gives
# text typed after an apostrophe: shown as typed, never evaluated, not even
# when the user edits the cell later.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 cannot carry; openpyxl refuses them.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry dropped, and
    carriage returns made line feeds (an XML reader turns a raw CR into LF
    anyway, and LF is Excel's line break inside a cell), so the file says
    exactly what was written."""
    return ILLEGAL_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


# The most rows one export writes (the sheet has one more, the header):
# larger lists are to be narrowed by the filters. Excel's own limit is
# 1,048,576 rows; this keeps one request to well under a minute.
EXPORT_MAX_ROWS = 100_000


def _cell(sheet: Any, value: Value, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = cell_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Everything textual is text, whatever it looks like.
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(rows: Iterable[list[Value]], headers: list[str], *, sheet_title: str = "干部名册") -> IO[bytes]:
    """Write the rows to a workbook in write-only mode (rows go to a temporary
    file as they come, so memory stays flat however long the list) and
    return the file, rewound, for streaming; it is deleted when closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(output)
    output.seek(0)
    return output


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real
    (Chinese) name as RFC 5987 ``filename*``."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
