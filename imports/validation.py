"""Validation of an uploaded roster: read every row, find every problem,
compare every person with the stored record, and stage the result for the
preview and the commit. Nothing in the registry changes here.

The work is a pipeline over plain tuples: calamine reads the sheet, one
converter per column turns cells into values (memoized per distinct cell
text: a roster repeats the same 民族, 学历 and dates thousands of times),
one query fetches the stored persons by ID number, and COPY stages the
rows. No query per row.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from operator import mul
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin
from python_calamine import CalamineWorkbook

from accounts.access import scope_of
from core.xlsx import column_letter
from imports.lrmx_import import validate_lrmx
from imports.models import ImportFile, ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.roster import (
    FIELDS,
    FIELDS_BY_KEY,
    FULL_TIME,
    IDENTITY_LABELS,
    IDENTITY_VALUES,
    SEX_LABELS,
    SEX_VALUES,
    SHEET_NAME,
    CellError,
    CodeMatcher,
    HeaderMap,
    Kind,
    RosterField,
    UnitMatcher,
    clean_text,
    clean_token,
    date_text,
    dates_equal,
    find_header,
    read_date,
    split_combined_education,
    year_month,
)
from imports.selectors import roster_educations
from imports.staging import Progress, RowResult, progress_writer, stage_rows
from imports.xlsx import RejectedFile, find_formulas, inspect_workbook
from personnel import rules
from personnel.codes import code_index, normalize
from personnel.dates import PartialDate, Precision
from personnel.facts import ShownEducation
from personnel.models import Cadre, Code, CodeTable, EducationKind, Unit

logger = logging.getLogger(__name__)


@lru_cache(maxsize=16384)
def _char_pinyin(char: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin([char], errors="ignore"))
    initial = "".join(lazy_pinyin([char], style=Style.FIRST_LETTER, errors="ignore")).upper()
    return full, initial


def fast_name_pinyin(name: str) -> tuple[str, str]:
    """personnel.services.name_pinyin, one cached lookup per character (it
    reads each character on its own too), for 100,000 names at once."""
    full, initials = [], []
    for char in name:
        if "\u4e00" <= char <= "\u9fff":
            p, i = _char_pinyin(char)
            full.append(p)
            initials.append(i)
    return "".join(full), "".join(initials)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")


def fast_id_number(text: str) -> rules.IdNumberInfo | None:
    """personnel.rules.parse_id_number for the common case — an 18-character
    number, already clean and valid — in a fraction of its time (it is
    called 100,000 times per file); None for anything else, which then takes
    the full path with its normalization and its messages. Tests check the
    two agree."""
    if len(text) != 18 or not _DIGITS.issuperset(text[:17]) or text[17] not in _ID_CHECK:
        return None
    total = sum(map(mul, map(int, text[:17]), _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != text[17]:
        return None
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    return rules.IdNumberInfo(number=text, birth_date=birth, sex="1" if int(text[16]) % 2 else "2")


@dataclass
class Stored:
    """What a stored person looks like through the roster's columns."""

    pk: int
    version: int
    unit_id: int
    unit_path: str
    values: dict[str, Any]
    educations: dict[str, ShownEducation]  # kind → what a roster shows (personnel.facts)


class RosterValidator:
    def __init__(self, job: ImportJob, progress: Progress | None = None) -> None:
        self.job = job
        self.progress = progress or (lambda done, total: None)
        self.scope = scope_of(job.uploaded_by)
        self.codes: dict[str, CodeMatcher] = {}
        self.code_names: dict[int, str] = {}
        self.units = UnitMatcher.build(job.unit)
        units = list(Unit.objects.values_list("pk", "name", "path"))
        self.unit_names = {pk: name for pk, name, _ in units}
        self.unit_paths = {pk: path for pk, _, path in units}
        self.places = code_index(CodeTable.REGION)

    def matcher(self, f: RosterField) -> CodeMatcher:
        if f.table is None:
            raise ValueError(f"{f.key} has no code table")
        if f.table not in self.codes:
            matcher = CodeMatcher.build(f.table, f.label)
            self.codes[f.table] = matcher
            for code in matcher.index.by_code.values():
                self.code_names[code.pk] = code.name
        return self.codes[f.table]

    # --- reading ------------------------------------------------------------------------------

    def read(self, data: bytes) -> tuple[list[list[Any]], HeaderMap]:
        info = inspect_workbook(data)
        self.job.template_version = info.template_version
        try:
            workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        except Exception:
            raise RejectedFile("文件已损坏，无法作为 Excel 工作簿（.xlsx）读取") from None
        visible = [s for s in info.sheets if not s.hidden]
        ordered = sorted(visible, key=lambda s: s.name != SHEET_NAME)
        for ref in ordered:
            rows = workbook.get_sheet_by_name(ref.name).to_python(skip_empty_area=False)
            header = find_header(rows)
            if header is None:
                continue
            formulas = find_formulas(data, ref.part) if ref.part else []
            if formulas:
                cells = "、".join(f"第{row}行{column}列" for row, column in formulas[:5])
                more = f"等{len(formulas)}处" if len(formulas) > 5 else ""
                raise RejectedFile(
                    f"工作表“{ref.name}”中{cells}{more}的单元格含有公式；出于安全原因不导入公式，"
                    "请选中这些单元格，复制后“选择性粘贴—数值”，保存后再导入"
                )
            self.job.sheet_name = ref.name
            self.job.header_row = header.row_index + 1
            return rows, header
        raise RejectedFile("未找到表头行：表头应包含“姓名”“公民身份号码”等列名，请使用下载的模板")

    # --- converting ---------------------------------------------------------------------------

    def plan(self, header: HeaderMap) -> list[tuple[int, RosterField, Callable[[object], Any]]]:
        present = {f.key for f in header.fields.values()}
        missing = [label for key, label in (("name", "姓名"), ("id_number", "公民身份号码")) if key not in present]
        if missing:
            raise RejectedFile(f"表头中缺少必需的列：{'、'.join(missing)}")
        self.where = {f.key: c for c, f in header.fields.items()}
        for c, f in header.fields.items():
            if f.kind is Kind.EDU_COMBINED:
                prefix = "ft" if f.education_kind == FULL_TIME else "is"
                self.where.setdefault(f"{prefix}_education", c)
                self.where.setdefault(f"{prefix}_degree", c)
        return [(c, f, self._converter(f)) for c, f in sorted(header.fields.items()) if f.kind is not Kind.SKIP]

    def run(self, rows: list[list[Any]], header: HeaderMap) -> Iterator[RowResult]:
        """Two passes over the rows. The first reads only the ID numbers (to
        find duplicates and fetch the stored people in one query); the second
        converts, checks and compares each row and yields its result, so that
        results are staged as they come instead of piling up in memory."""
        plan = self.plan(header)
        first = header.row_index + 1
        id_column = self.where["id_number"]
        id_convert = next(conv for c, f, conv in plan if f.key == "id_number")
        columns = [c for c, _, _ in plan]
        limit = self._max_rows()
        total = len(rows) - first
        # Pass 1: which rows hold data, and their ID numbers.
        ids: dict[int, rules.IdNumberInfo | CellError | None] = {}
        by_number: dict[str, list[int]] = {}
        for index in range(first, len(rows)):
            row = rows[index]
            width = len(row)
            if not any(
                c < width and (cell := row[c]) != "" and cell is not None and (type(cell) is not str or cell.strip())
                for c in columns
            ):
                continue
            if len(ids) >= limit:
                raise RejectedFile(f"文件中的数据超过{limit}行，请拆分后分批导入")
            cell = row[id_column] if id_column < width else ""
            info: rules.IdNumberInfo | CellError | None = None
            if cell != "" and cell is not None and (type(cell) is not str or cell.strip()):
                try:
                    info = id_convert(cell)
                except CellError as exc:
                    info = exc
            ids[index] = info
            if isinstance(info, rules.IdNumberInfo):
                by_number.setdefault(info.number, []).append(index + 1)
        stored = self._stored(list(by_number))
        self.progress(total // 5, total)
        # Pass 2: everything else, row by row.
        done = 0
        cells = [
            (column, f.key, convert, f.kind is Kind.EDU_COMBINED, f)
            for column, f, convert in plan
            if f.kind is not Kind.ID_NUMBER
        ]
        for index, info in ids.items():
            row = rows[index]
            width = len(row)
            result = RowResult(row_number=index + 1)
            values: dict[str, Any] = {}
            for column, key, convert, combined, f in cells:
                if column >= width:
                    continue
                cell = row[column]
                if cell == "" or cell is None:
                    continue
                try:
                    value = convert(cell)
                except CellError as exc:
                    result.error(column, f.label, str(exc))
                    continue
                if value is None or (value.__class__ is str and not value):
                    continue
                if combined:
                    prefix = "ft" if f.education_kind == FULL_TIME else "is"
                    level, degree = value
                    if level is not None:
                        values.setdefault(f"{prefix}_education", level)
                    if degree is not None:
                        values.setdefault(f"{prefix}_degree", degree)
                    continue
                values[key] = value
            if isinstance(info, CellError):
                result.error(id_column, "公民身份号码", str(info))
            elif info is not None:
                values["id_number"] = info
            self._check(result, values, by_number)
            if not result.errors:
                existing = stored.get(result.id_number)
                if existing is None:
                    self._new(result, values)
                else:
                    self._compare(result, values, existing)
            if result.errors:
                result.status = RowStatus.INVALID
                result.data = {}
                result.changes = []
            yield result
            done += 1
            if done % 5000 == 0:
                self.progress(total // 5 + done * 4 // 5, total)

    def _max_rows(self) -> int:
        from django.conf import settings

        return int(settings.CADRE_IMPORT_MAX_ROWS)

    def _converter(self, f: RosterField) -> Callable[[object], Any]:
        cache: dict[object, Any] = {}

        def memo(fn: Callable[[object], Any]) -> Callable[[object], Any]:
            def run(cell: object) -> Any:
                key = cell
                hit = cache.get(key)
                if hit is None:
                    if type(cell) is str and not cell.strip():
                        return None
                    try:
                        hit = fn(cell)
                    except CellError as exc:
                        hit = exc
                    cache[key] = hit
                if isinstance(hit, CellError):
                    raise hit
                return hit

            return run

        limit = f.max_length

        def text(cell: object) -> str:
            value = clean_text(cell)
            if limit and len(value) > limit:
                raise CellError(f"{f.label}超过{limit}个字（现有{len(value)}个字）")
            return value

        if f.kind in (Kind.TEXT,):
            return text
        if f.kind is Kind.NAME:

            def name(cell: object) -> str:
                value = "".join(clean_text(cell).split())
                if limit and len(value) > limit:
                    raise CellError(f"姓名超过{limit}个字")
                return value

            return name
        if f.kind is Kind.DATE:
            return memo(read_date)
        if f.kind in (Kind.CODE, Kind.EDU_LEVEL, Kind.EDU_DEGREE):
            matcher = self.matcher(f)
            return memo(lambda cell: matcher.match(clean_text(cell)))
        if f.kind is Kind.CODE_OR_TEXT:
            matcher = self.matcher(f)

            def code_or_text(cell: object) -> tuple[str, Any]:
                value = text(cell)
                code = matcher.index.find(value)
                return ("code", code) if code is not None else ("text", value)

            return memo(code_or_text)
        if f.kind is Kind.PLACE:

            def place(cell: object) -> tuple[str, str]:
                value = text(cell)
                code = self.places.find(value)
                return value, code.code if code is not None else ""

            return memo(place)
        if f.kind is Kind.SEX:

            def sex(cell: object) -> str:
                value = SEX_VALUES.get(clean_token(cell))
                if value is None:
                    raise CellError(f"性别“{clean_text(cell)}”无效，应为“男”或“女”")
                return value

            return memo(sex)
        if f.kind is Kind.CHOICE:

            def identity(cell: object) -> str:
                value = IDENTITY_VALUES.get(normalize(clean_text(cell)))
                if value is None:
                    choices = "、".join(IDENTITY_LABELS.values())
                    raise CellError(f"身份类别“{clean_text(cell)}”无效，应为：{choices}")
                return value

            return memo(identity)
        if f.kind is Kind.ID_NUMBER:

            def id_number(cell: object) -> rules.IdNumberInfo:
                if isinstance(cell, float) and cell >= 1e14:
                    raise CellError("公民身份号码被存成了数字，末几位已丢失；请将该列设为文本格式后重新填写")
                if type(cell) is str:
                    info = fast_id_number(cell)
                    if info is not None:
                        return info
                try:
                    return rules.parse_id_number(clean_token(cell))
                except rules.IdNumberError as exc:
                    raise CellError(str(exc)) from None

            return id_number
        if f.kind is Kind.UNIT:
            return memo(lambda cell: self.units.match(clean_text(cell)))
        if f.kind is Kind.EDU_SCHOOL:
            return text
        if f.kind is Kind.EDU_COMBINED:
            levels = self.matcher(FIELDS_BY_KEY["ft_education"])
            degrees = self.matcher(FIELDS_BY_KEY["ft_degree"])

            def combined(cell: object) -> tuple[Code | None, Code | None]:
                level_text, degree_text = split_combined_education(clean_text(cell), levels, degrees)
                level = levels.match(level_text) if level_text else None
                degree = degrees.match(degree_text) if degree_text else None
                return level, degree

            return memo(combined)
        raise AssertionError(f.kind)

    # --- checking and comparing -----------------------------------------------------------------

    def _check(self, result: RowResult, values: dict[str, Any], by_number: dict[str, list[int]]) -> None:
        """Name and ID number present; the ID number unique in the file and
        agreeing with what the row says of birth and sex."""
        result.name = values.get("name", "")
        if "name" not in values and not any(e["field"] == "姓名" for e in result.errors):
            result.error(self.where.get("name"), "姓名", "姓名不能为空")
        info: rules.IdNumberInfo | None = values.get("id_number")
        if info is None:
            if not any(e["field"] == "公民身份号码" for e in result.errors):
                result.error(
                    self.where.get("id_number"), "公民身份号码", "公民身份号码不能为空：导入按公民身份号码识别人员"
                )
            return
        result.id_number = info.number
        rows = by_number[info.number]
        if len(rows) > 1:
            others = "、".join(str(r) for r in rows if r != result.row_number)
            result.error(
                self.where.get("id_number"),
                "公民身份号码",
                f"公民身份号码{info.number}在文件中重复出现（另见第{others}行），同一人只能有一行",
            )
        birth: PartialDate | None = values.get("birth_date")
        problems = rules.check_id_number_matches(
            info,
            birth_date=birth.value if birth else None,
            sex=values.get("sex"),
            month_precision=birth is None or birth.precision is Precision.MONTH,
        )
        for problem in problems:
            key = "birth_date" if "出生" in problem else "sex"
            result.error(self.where.get(key), FIELDS_BY_KEY[key].label, problem)

    _STORED_FIELDS = (
        "id", "version", "unit_id", "id_number", "name", "sex", "birth_date", "ethnicity_id", "native_place",
        "birthplace", "political_status_id", "party_join_date", "work_start_date", "health_id", "tech_title_id",
        "tech_title_text", "current_post", "current_post_date", "post_level_id", "post_level_date", "rank_id",
        "rank_date", "identity_category", "note",
    )  # fmt: skip

    def _stored(self, numbers: list[str]) -> dict[str, Stored]:
        """The stored people the file names, by ID number, and the highest
        education of each kind (the one a roster shows): two queries, the
        numbers as one array parameter."""
        stored: dict[str, Stored] = {}
        if not numbers:
            return stored
        columns = ", ".join(f"c.{name}" for name in self._STORED_FIELDS)
        cadres = Cadre._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns}, u.path FROM {cadres} c JOIN {Unit._meta.db_table} u ON u.id = c.unit_id "  # noqa: S608
                "WHERE c.id_number = ANY(%s::varchar[])",
                [numbers],
            )
            for row in cursor.fetchall():
                values = dict(zip(self._STORED_FIELDS, row, strict=False))
                stored[values["id_number"]] = Stored(
                    pk=values["id"],
                    version=values["version"],
                    unit_id=values["unit_id"],
                    unit_path=row[-1],
                    values=values,
                    educations={},
                )
            if not stored:
                return stored
            by_pk = {s.pk: s for s in stored.values()}
        for cadre_id, educations in roster_educations(list(by_pk)).items():
            by_pk[cadre_id].educations = educations
        return stored

    # A new person: everything the row gives, the rest from the ID number.
    def _new(self, result: RowResult, values: dict[str, Any]) -> None:
        info: rules.IdNumberInfo = values["id_number"]
        data: dict[str, Any] = {"id_number": info.number}
        unit_id = values.get("unit", self.job.unit_id)
        data["unit_id"] = unit_id
        birth: PartialDate | None = values.get("birth_date")
        # The ID number's day is more precise than a roster's year-month.
        data["birth_date"] = info.birth_date.isoformat()
        if birth is not None and birth.precision is Precision.DAY:
            data["birth_date"] = birth.value.isoformat()
        data["sex"] = values.get("sex", info.sex)
        for key, value in values.items():
            f = _NEW_COLUMNS.get(key)
            if f is not None:
                _write(data, f, value)
        data["name_pinyin"], data["name_initials"] = fast_name_pinyin(data["name"])
        educations = self._education_values(values)
        if educations:
            data["edu"] = {kind: dict(parts.items()) for kind, parts in educations.items()}
        result.data = data
        result.status = RowStatus.NEW
        result.match_note = "新增人员"

    def _columns(self, f: RosterField, value: Any) -> dict[str, Any]:
        """The cadre columns one roster value writes (JSON-ready)."""
        data: dict[str, Any] = {}
        _write(data, f, value)
        return data

    def _education_values(self, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
        educations: dict[str, dict[str, Any]] = {}
        for prefix, kind in (("ft", EducationKind.FULL_TIME.value), ("is", EducationKind.IN_SERVICE.value)):
            parts: dict[str, Any] = {}
            if f"{prefix}_education" in values:
                parts["education_id"] = values[f"{prefix}_education"].pk
            if f"{prefix}_degree" in values:
                parts["degree_id"] = values[f"{prefix}_degree"].pk
            if f"{prefix}_school" in values:
                parts["school"] = values[f"{prefix}_school"]
            if parts:
                educations[kind] = parts
        return educations

    def _compare(self, result: RowResult, values: dict[str, Any], existing: Stored) -> None:
        where = self.where
        result.cadre_id = existing.pk
        result.cadre_version = existing.version
        result.match_note = "按公民身份号码匹配"
        if not self.scope.can_import_path(existing.unit_path):
            # Say nothing of where the person is: the uploader may not know.
            result.error(
                where.get("id_number"),
                "公民身份号码",
                "该公民身份号码对应的人员不在您的管理范围内，不能通过本次导入修改或调入；请联系组织部门",
            )
            return
        if not existing.unit_path.startswith(self.job.unit.path):
            result.error(
                where.get("id_number"),
                "公民身份号码",
                f"该人员现属于“{self.unit_names.get(existing.unit_id, '')}”，不在本次导入单位"
                f"“{self.job.unit.name}”及其下级单位中；请在其所在单位或共同上级单位导入",
            )
            return
        stored = existing.values
        data: dict[str, Any] = {}
        changes: list[list[str]] = []
        for key, value in values.items():
            f = _COMPARED.get(key)
            if f is None:
                continue
            # The common case inline: the very value stored.
            quick = _QUICK.get(key)
            if quick is not None:
                column, mode = quick
                current = stored[column]
                if mode == 0:
                    if current == value:
                        continue
                elif mode == 1:
                    if current == value.id:
                        continue
                elif current is not None and (
                    current == value.value
                    if value.precision is Precision.DAY
                    else (current.year == value.value.year and current.month == value.value.month)
                ):
                    continue
            difference = self._differs(f, stored, value)
            if difference is not None:
                changes.append([key, f.label, *difference])
                data.update(self._columns(f, value))
        for kind, parts in self._education_values(values).items():
            shown = existing.educations.get(kind)
            row_id, education_id, degree_id, school = (
                (shown.row_id, shown.education_id, shown.degree_id, shown.school) if shown else (None, None, None, "")
            )
            prefix = "ft" if kind == EducationKind.FULL_TIME else "is"
            op: dict[str, Any] = {}
            for part, old_value, label_key in (
                ("education_id", education_id, f"{prefix}_education"),
                ("degree_id", degree_id, f"{prefix}_degree"),
                ("school", school, f"{prefix}_school"),
            ):
                if part not in parts or parts[part] == old_value:
                    continue
                if part == "school" and clean_text(old_value) == parts[part]:
                    continue
                op[part] = parts[part]
                label = FIELDS_BY_KEY[label_key].label
                if part == "school":
                    changes.append([label_key, label, str(old_value or ""), str(parts[part])])
                else:
                    old_name = self.code_names.get(int(old_value), "") if old_value else ""
                    changes.append([label_key, label, old_name, self.code_names.get(int(parts[part]), "")])
            if op:
                op["row_id"] = row_id
                data.setdefault("edu", {})[kind] = op
        if "unit_id" in data and not self.scope.can_import_path(self.unit_paths.get(data["unit_id"], "")):
            result.error(where.get("unit"), "所在单位", "您无权把人员调入该单位")
            return
        if "name" in data:
            data["name_pinyin"], data["name_initials"] = fast_name_pinyin(data["name"])
        result.data = data
        result.changes = changes
        result.status = RowStatus.CHANGED if changes else RowStatus.UNCHANGED
        if not changes:
            result.data = {}

    def _differs(self, f: RosterField, stored: dict[str, Any], value: Any) -> tuple[str, str] | None:
        """None when the row's value is what is stored, else (old, new) as
        shown in the preview. Equality is decided first and cheaply: most
        values of most rows are unchanged."""
        kind = f.kind
        if kind is Kind.DATE:
            current = stored[f.target]  # type: ignore[index]
            if current is not None and dates_equal(current, value):
                return None
            return (year_month(current) if f.key == "birth_date" else date_text(current)), str(value)
        if kind is Kind.CODE:
            current = stored[_ID_KEYS[f.key]]
            if current == value.id:
                return None
            return (self.code_names.get(current, "") if current else ""), value.name
        if kind is Kind.NAME or kind is Kind.TEXT:
            current = stored[f.target]  # type: ignore[index]
            if current == value or clean_text(current) == value:
                return None
            return current, value
        if kind is Kind.PLACE:
            current = stored[f.target]  # type: ignore[index]
            if current == value[0] or clean_text(current) == value[0]:
                return None
            return current, value[0]
        if kind is Kind.CODE_OR_TEXT:
            current_id = stored[_ID_KEYS[f.key]]
            current_text = stored[f"{f.target}_text"]
            old = self.code_names.get(current_id, "") if current_id else current_text
            code_or_text, content = value
            if code_or_text == "code":
                return None if current_id == content.id else (old, content.name)
            return None if clean_text(old) == content else (old, content)
        if kind is Kind.SEX:
            current = stored["sex"]
            return None if current == value else (SEX_LABELS.get(current, current), SEX_LABELS[value])
        if kind is Kind.CHOICE:
            current = stored["identity_category"]
            return None if current == value else (IDENTITY_LABELS.get(current, current), IDENTITY_LABELS[value])
        if kind is Kind.UNIT:
            current = stored["unit_id"]
            return None if current == value else (self.unit_names.get(current, ""), self.unit_names.get(value, ""))
        raise AssertionError(kind)


def _write(data: dict[str, Any], f: RosterField, value: Any) -> None:
    """Put the cadre columns one roster value writes (JSON-ready) into ``data``."""
    kind = f.kind
    if kind is Kind.DATE:
        data[f.target] = value.value.isoformat()  # type: ignore[index]
    elif kind is Kind.CODE:
        data[_ID_KEYS[f.key]] = value.id
    elif kind is Kind.CODE_OR_TEXT:
        code_or_text, content = value
        if code_or_text == "code":
            data[_ID_KEYS[f.key]] = content.id
            data[f"{f.target}_text"] = ""
        else:
            data[_ID_KEYS[f.key]] = None
            data[f"{f.target}_text"] = content
    elif kind is Kind.PLACE:
        data[f.target] = value[0]  # type: ignore[index]
        data[f"{f.target}_code"] = value[1]
    elif kind is Kind.UNIT:
        data["unit_id"] = value
    else:
        data[f.target] = value  # type: ignore[index]


# The roster fields compared with a stored person's own columns (education
# is compared apart, the ID number is what matched them).
_COMPARED = {f.key: f for f in FIELDS if not f.education_kind and f.kind not in (Kind.ID_NUMBER, Kind.SKIP)}
_ID_KEYS = {f.key: f"{f.target}_id" for f in FIELDS if f.target}
# How a stored value is checked for equality inline: (stored column, 0 plain
# equality / 1 a code's id / 2 a date at the row's precision).
_QUICK: dict[str, tuple[str, int]] = {}
for _key, _f in _COMPARED.items():
    if _f.kind in (Kind.NAME, Kind.TEXT, Kind.SEX, Kind.CHOICE):
        _QUICK[_key] = (str(_f.target), 0)
    elif _f.kind is Kind.UNIT:
        _QUICK[_key] = ("unit_id", 0)
    elif _f.kind is Kind.CODE:
        _QUICK[_key] = (_ID_KEYS[_key], 1)
    elif _f.kind is Kind.DATE:
        _QUICK[_key] = (str(_f.target), 2)
# The fields a new person's row writes as they are (the ID number, unit,
# birth date and sex are settled first, education apart).
_NEW_COLUMNS = {key: f for key, f in _COMPARED.items() if key not in ("unit", "birth_date", "sex")}


# --- the job ------------------------------------------------------------------------------------


def validate_job(job_id: int) -> ImportJob:
    """Validate an uploaded job (the Celery task calls this). Safe to run
    again after a crash: it starts over and replaces what it staged."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING]).update(
        status=ImportStatus.VALIDATING, rows_done=0
    )
    job = ImportJob.objects.select_related("unit", "uploaded_by").get(pk=job_id)
    if not claimed:
        return job
    data = bytes(ImportFile.objects.get(job=job).data)
    try:
        if job.kind == ImportKind.LRMX:
            counts = validate_lrmx(job, data)
        elif job.kind != ImportKind.ROSTER:
            raise RejectedFile(f"不支持的导入类型：{job.get_kind_display()}")
        else:
            counts = _validate_roster(job, data)
    except RejectedFile as exc:
        ImportRow.objects.filter(job=job).delete()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.REJECTED, message=exc.message, validated_at=timezone.now(), rows_done=0
        )
        job.refresh_from_db()
        return job
    except Exception:
        logger.exception("validation of import job %s failed", job.pk)
        ImportRow.objects.filter(job=job).delete()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.REJECTED,
            message="校验过程中发生内部错误，文件未导入；请联系系统管理员",
            validated_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    rows = sum(counts[status] for status in RowStatus.values)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.VALIDATING:
            return locked
        locked.status = ImportStatus.VALIDATED if rows else ImportStatus.REJECTED
        locked.message = "" if rows else "文件中没有数据行"
        for name in ("sheet_name", "header_row", "template_version", "columns", "ignored_columns"):
            setattr(locked, name, getattr(job, name))
        locked.rows_total = rows
        locked.rows_done = rows
        locked.count_new = counts[RowStatus.NEW]
        locked.count_changed = counts[RowStatus.CHANGED]
        locked.count_unchanged = counts[RowStatus.UNCHANGED]
        locked.count_invalid = counts[RowStatus.INVALID]
        locked.error_count = counts["errors"]
        locked.validated_at = timezone.now()
        locked.save()
    return locked


def _validate_roster(job: ImportJob, data: bytes) -> dict[str, int]:
    validator = RosterValidator(job, progress_writer(job))
    rows, header = validator.read(data)
    job.columns = [
        {"column": column_letter(c), "header": str(rows[header.row_index][c]).strip(), "field": f.label}
        for c, f in sorted(header.fields.items())
    ]
    job.ignored_columns = [
        {"column": column_letter(c), "header": text, "reason": "未识别的列名"} for c, text in header.unknown
    ] + [{"column": column_letter(c), "header": text, "reason": "与前面的列重复"} for c, text in header.duplicates]
    ImportJob.objects.filter(pk=job.pk).update(rows_total=max(len(rows) - header.row_index - 1, 0))
    return stage_rows(job, validator.run(rows, header))
