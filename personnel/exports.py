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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from personnel import facts
from personnel.models import Cadre, Code, Unit

if TYPE_CHECKING:
    from accounts.access import Scope

Value = str | int | None


# The fields the columns read, and nothing else: a list row must not carry
# the long text fields (奖惩情况, 备注) nor read related rows one by one.
ROW_FIELDS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "native_place",
    "political_status",
    "unit",
    "current_post",
    "post_level",
    "rank",
    "current_post_date",
    "party_join_date",
    "id_number",
    "retirement_category",
    "age_limit",
)


@dataclass
class RowContext:
    """What a cell's value depends on besides the cadre's own fields: the
    reference date of ages and years (计算年龄时间), the actor's scope, and the
    names of the codes, units and educations the rows point at, read by
    ``load`` for a batch of rows in three queries at most (instead of joins
    and model instances for every row)."""

    as_of: datetime.date
    scope: Scope
    codes: dict[int, str] = field(default_factory=dict)
    code_values: dict[int, str] = field(default_factory=dict)  # id → the code itself (GB4762 01 …)
    units: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (name, path)
    educations: dict[int, dict[str, facts.ShownEducation]] = field(default_factory=dict)  # cadre → kind → shown

    def load(self, cadres: Iterable[Cadre], columns: Iterable[Column]) -> None:
        cadres = list(cadres)
        columns = list(columns)
        code_ids = {
            getattr(cadre, attr) for cadre in cadres for column in columns if (attr := column.code_field) is not None
        }
        code_ids -= {None, *self.codes}
        if code_ids:
            for pk, code, name in Code.objects.filter(pk__in=code_ids).values_list("pk", "code", "name"):
                self.codes[pk], self.code_values[pk] = name, code
        unit_ids = {cadre.unit_id for cadre in cadres} - set(self.units)
        if unit_ids:
            units = Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name", "path")
            self.units.update((pk, (name, path)) for pk, name, path in units)
        if any(column.educations for column in columns):
            self.educations = facts.educations_for([cadre.pk for cadre in cadres])

    def code(self, code_id: int | None) -> str | None:
        return self.codes.get(code_id) if code_id is not None else None

    def education(self, cadre: Cadre) -> dict[str, facts.ShownEducation]:
        return self.educations.get(cadre.pk, {})

    def unit_name(self, cadre: Cadre) -> str | None:
        unit = self.units.get(cadre.unit_id)
        return unit[0] if unit else None

    def shows_full_id_number(self, cadre: Cadre) -> bool:
        """The full 公民身份号码 only for those who maintain the record: org
        staff whose jurisdiction covers the cadre's unit. Leaders and unit
        clerks see it masked: a list is a bulk view (screens, projectors,
        printouts, spreadsheets passed around) and the full number is
        sensitive personal information that their work on a list does not
        need; the birth month, which the middle digits hold, is its own
        column anyway. Search by the number still works for everyone."""
        unit = self.units.get(cadre.unit_id)
        return unit is not None and self.scope.can_write_path(unit[1])


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
    # The cadre's attribute holding the id of the code whose name is shown.
    code_field: str | None = None
    educations: bool = False
    related: tuple[str, ...] = ()


def year_month(value: datetime.date | None) -> str | None:
    """A year-month the way the national form writes it: 1985.03."""
    return facts.year_month(value) or None


def mask_id_number(number: str) -> str:
    """Region code and the last four characters; the birth date and the
    sequence number hidden: 330102********123X."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else "*" * len(number)


def _id_number(cadre: Cadre, ctx: RowContext) -> Value:
    if not cadre.id_number:
        return None
    return cadre.id_number if ctx.shows_full_id_number(cadre) else mask_id_number(cadre.id_number)


def _education_text(kind: str) -> Callable[[Cadre, RowContext], Value]:
    def read(cadre: Cadre, ctx: RowContext) -> Value:
        shown = ctx.education(cadre).get(kind)
        return (shown.text or None) if shown is not None else None

    return read


def _party(cadre: Cadre, ctx: RowContext) -> Value:
    status = cadre.political_status_id
    joined = facts.party_join(
        join_date=cadre.party_join_date, status_code=ctx.code_values.get(status or 0), status_name=ctx.code(status)
    )
    return joined.text() or None


def _code(attr: str) -> Callable[[Cadre, RowContext], Value]:
    def read(cadre: Cadre, ctx: RowContext) -> Value:
        return ctx.code(getattr(cadre, attr))

    return read


def _code_column(key: str, label: str, attr: str, **options: Any) -> Column:
    return Column(key, label, _code(attr), code_field=attr, **options)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", lambda c, ctx: c.name, ordering="name"),
    Column("sex", "性别", lambda c, ctx: c.get_sex_display()),
    Column("birth", "出生年月", lambda c, ctx: year_month(c.birth_date), ordering="birth_date"),
    Column("age", "年龄", lambda c, ctx: facts.age_at(c.birth_date, ctx.as_of), ordering="-birth_date", numeric=True),
    _code_column("ethnicity", "民族", "ethnicity_id"),
    Column("native_place", "籍贯", lambda c, ctx: c.native_place or None),
    _code_column("political", "政治面貌", "political_status_id"),
    Column("unit", "单位", lambda c, ctx: ctx.unit_name(c), ordering="unit", wraps=True),
    Column("current_post", "现任职务", lambda c, ctx: c.current_post or None, wraps=True),
    _code_column("post_level", "职务层次", "post_level_id", ordering="post_level"),
    _code_column("rank", "职级", "rank_id", ordering="rank", default=False),
    Column(
        "current_post_date", "任现职时间", lambda c, ctx: year_month(c.current_post_date), ordering="current_post_date"
    ),
    Column(
        "years_in_post",
        "任现职年限",
        lambda c, ctx: facts.years_in_post(c.current_post_date, ctx.as_of),
        ordering="-current_post_date",
        numeric=True,
        default=False,
    ),
    Column(
        "education",
        "学历",
        lambda c, ctx: facts.education_summary(ctx.education(c)) or None,
        wraps=True,
        educations=True,
    ),
    Column("ft_education", "全日制学历学位", _education_text(facts.FULL_TIME), default=False, educations=True),
    Column("is_education", "在职学历学位", _education_text(facts.IN_SERVICE), default=False, educations=True),
    Column("party", "入党时间", _party, default=False, code_field="political_status_id"),
    Column("id_number", "公民身份号码", _id_number, default=False),
    # The personal retirement age (NLLB) is a code the rule needs, not a name.
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
    """The cadres with the fields the columns read; related rows joined
    only where a rule needs the object (the retirement age code)."""
    related = sorted({name for column in columns for name in column.related})
    return queryset.select_related(None).select_related(*related).only(*ROW_FIELDS, *related)


def row_values(cadre: Cadre, columns: Iterable[Column], ctx: RowContext) -> list[Value]:
    return [column.value(cadre, ctx) for column in columns]


def export_rows(
    queryset: QuerySet[Cadre], columns: list[Column], ctx: RowContext, *, batch: int = 2000
) -> Iterator[list[Value]]:
    """The rows of a whole list, read in batches through a server-side
    cursor: memory stays flat and each batch costs three lookups."""
    cadres = with_columns(queryset, columns).iterator(chunk_size=batch)
    while chunk := list(islice(cadres, batch)):
        ctx.load(chunk, columns)
        for cadre in chunk:
            yield row_values(cadre, columns, ctx)


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


def _cell(sheet: Any, value: Value) -> Value | WriteOnlyCell:
    """A value as the sheet gets it. openpyxl writes a plain str as text,
    except one starting with "=" (a formula) or an error literal (#N/A …):
    those, and anything else a spreadsheet might read as a formula, become
    explicit string cells with the quote prefix."""
    if not isinstance(value, str):
        return value
    value = cell_text(value)
    if not value.startswith(FORMULA_START) and value not in ERROR_CODES:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _header(sheet: Any, label: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=label)
    cell.font = Font(bold=True)
    return cell


def write_xlsx(rows: Iterable[list[Value]], headers: list[str], *, sheet_title: str = "干部名册") -> IO[bytes]:
    """Write the rows to a workbook in write-only mode (rows go to a temporary
    file as they come, so memory stays flat however long the list) and
    return the file, rewound, for streaming; it is deleted when closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, header) for header in headers])
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
