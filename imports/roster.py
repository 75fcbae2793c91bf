"""The roster (花名册) format: its columns, the header names people use for
them, and how one cell becomes a value of the record (DOMAIN.md 5).

Each column is declared once here; the template, the reader, the
validation, the preview and the export all read this declaration, so they
can never disagree about what a column means.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from personnel.codes import CodeIndex, code_index, normalize
from personnel.dates import DateParseError, PartialDate, Precision, parse_date
from personnel.models import Cadre, Code, CodeTable, IdentityCategory, Sex, Unit

TEMPLATE_VERSION = "1"
SHEET_NAME = "花名册"


class Kind(StrEnum):
    SKIP = "skip"  # 序号: read past, never stored
    TEXT = "text"
    NAME = "name"
    DATE = "date"
    CODE = "code"  # a code table entry, by code or name
    CODE_OR_TEXT = "code_or_text"  # a code when one matches, else kept as text
    PLACE = "place"  # text, with the ZB01 code when the text names one
    SEX = "sex"
    CHOICE = "choice"
    ID_NUMBER = "id_number"
    UNIT = "unit"
    EDU_LEVEL = "edu_level"
    EDU_DEGREE = "edu_degree"
    EDU_SCHOOL = "edu_school"
    EDU_COMBINED = "edu_combined"  # 全日制学历学位 in one cell: split into the two above


@dataclass(frozen=True)
class RosterField:
    key: str
    label: str
    kind: Kind
    synonyms: tuple[str, ...] = ()
    table: str | None = None
    # The Cadre field written, or for education columns the Education field.
    target: str | None = None
    education_kind: str | None = None
    width: float = 12
    example: str = ""
    help: str = ""
    required: bool = False
    in_template: bool = True

    @property
    def max_length(self) -> int | None:
        if self.kind in (Kind.TEXT, Kind.NAME, Kind.PLACE, Kind.CODE_OR_TEXT) and self.target:
            model_field = Cadre._meta.get_field(
                self.target if self.kind != Kind.CODE_OR_TEXT else f"{self.target}_text"
            )
            return getattr(model_field, "max_length", None)
        if self.kind is Kind.EDU_SCHOOL:
            return 100
        return None


FULL_TIME, IN_SERVICE = "full_time", "in_service"

FIELDS: tuple[RosterField, ...] = (
    RosterField("seq", "序号", Kind.SKIP, ("编号", "顺序号"), width=6, example="1", help="可不填，导入时忽略"),
    RosterField(
        "name",
        "姓名",
        Kind.NAME,
        ("名字", "干部姓名", "人员姓名"),
        target="name",
        width=10,
        example="张明",
        required=True,
        help="必填",
    ),
    RosterField(
        "sex", "性别", Kind.SEX, (), target="sex", width=6, example="男", help="男或女；不填时按公民身份号码确定"
    ),
    RosterField(
        "ethnicity",
        "民族",
        Kind.CODE,
        (),
        CodeTable.ETHNICITY,
        "ethnicity",
        width=8,
        example="汉族",
        help="按《民族》代码表填写，如“汉族”“回族”",
    ),
    RosterField(
        "birth_date",
        "出生年月",
        Kind.DATE,
        ("出生日期", "出生年月日", "出生时间", "生日"),
        target="birth_date",
        width=10,
        example="1985.03",
        help="如 1985.03；不填时按公民身份号码确定",
    ),
    RosterField("native_place", "籍贯", Kind.PLACE, (), target="native_place", width=12, example="浙江杭州"),
    RosterField("birthplace", "出生地", Kind.PLACE, (), target="birthplace", width=12, example="浙江杭州"),
    RosterField(
        "political_status",
        "政治面貌",
        Kind.CODE,
        ("党派",),
        CodeTable.POLITICAL,
        "political_status",
        width=10,
        example="中共党员",
    ),
    RosterField(
        "party_join_date",
        "入党时间",
        Kind.DATE,
        ("入党日期", "入党年月", "加入党派时间"),
        target="party_join_date",
        width=10,
        example="2006.07",
    ),
    RosterField(
        "work_start_date",
        "参加工作时间",
        Kind.DATE,
        ("参加工作日期", "参工时间", "工作时间", "参加工作年月"),
        target="work_start_date",
        width=12,
        example="2007.08",
    ),
    RosterField("health", "健康状况", Kind.CODE, ("健康",), CodeTable.HEALTH, "health", width=8, example="健康"),
    RosterField(
        "ft_education",
        "全日制学历",
        Kind.EDU_LEVEL,
        ("全日制教育学历", "学历（全日制）", "全日制教育"),
        CodeTable.EDUCATION,
        "education",
        FULL_TIME,
        width=12,
        example="大学",
    ),
    RosterField(
        "ft_degree",
        "全日制学位",
        Kind.EDU_DEGREE,
        ("全日制教育学位", "学位（全日制）"),
        CodeTable.DEGREE,
        "degree",
        FULL_TIME,
        width=12,
        example="法学学士",
    ),
    RosterField(
        "ft_school",
        "全日制毕业院校及专业",
        Kind.EDU_SCHOOL,
        ("毕业院校及专业", "毕业院校系及专业", "全日制毕业院校系及专业", "毕业院校", "全日制院校专业"),
        None,
        "school",
        FULL_TIME,
        width=24,
        example="浙江大学法律系法学专业",
    ),
    RosterField(
        "ft_combined",
        "全日制学历学位",
        Kind.EDU_COMBINED,
        ("全日制教育学历学位",),
        None,
        None,
        FULL_TIME,
        in_template=False,
    ),
    RosterField(
        "is_education",
        "在职学历",
        Kind.EDU_LEVEL,
        ("在职教育学历", "学历（在职）", "在职教育"),
        CodeTable.EDUCATION,
        "education",
        IN_SERVICE,
        width=12,
        example="研究生",
    ),
    RosterField(
        "is_degree",
        "在职学位",
        Kind.EDU_DEGREE,
        ("在职教育学位", "学位（在职）"),
        CodeTable.DEGREE,
        "degree",
        IN_SERVICE,
        width=12,
        example="公共管理硕士",
    ),
    RosterField(
        "is_school",
        "在职毕业院校及专业",
        Kind.EDU_SCHOOL,
        ("在职毕业院校系及专业", "在职院校专业", "在职毕业院校"),
        None,
        "school",
        IN_SERVICE,
        width=24,
        example="中共浙江省委党校经济管理专业",
    ),
    RosterField(
        "is_combined",
        "在职学历学位",
        Kind.EDU_COMBINED,
        ("在职教育学历学位",),
        None,
        None,
        IN_SERVICE,
        in_template=False,
    ),
    RosterField(
        "tech_title",
        "专业技术职务",
        Kind.CODE_OR_TEXT,
        ("职称", "专业技术职称"),
        CodeTable.TECH_TITLE,
        "tech_title",
        width=14,
        example="",
    ),
    RosterField(
        "unit",
        "所在单位",
        Kind.UNIT,
        ("单位", "工作单位", "单位名称", "现工作单位"),
        target="unit",
        width=20,
        example="县委组织部",
        help="不填时：已有人员不变，新增人员记入导入单位；同名单位请写“上级单位/单位”",
    ),
    RosterField(
        "current_post",
        "现任职务",
        Kind.TEXT,
        ("职务", "现职务", "现任职务全称", "工作单位及职务"),
        target="current_post",
        width=24,
        example="县委组织部副部长",
    ),
    RosterField(
        "current_post_date",
        "任现职时间",
        Kind.DATE,
        ("任职时间", "任现职务时间", "现职时间"),
        target="current_post_date",
        width=12,
        example="2019.03",
    ),
    RosterField(
        "post_level",
        "职务层次",
        Kind.CODE,
        ("职务级别", "级别", "现职务层次"),
        CodeTable.POST_LEVEL,
        "post_level",
        width=12,
        example="乡科级正职",
    ),
    RosterField(
        "post_level_date",
        "任同级职务时间",
        Kind.DATE,
        ("任现级别时间", "任同职级时间", "任同级时间"),
        target="post_level_date",
        width=14,
        example="2019.03",
    ),
    RosterField("rank", "职级", Kind.CODE, ("现职级",), CodeTable.RANK, "rank", width=12, example="一级主任科员"),
    RosterField(
        "rank_date",
        "任现职级时间",
        Kind.DATE,
        ("任职级时间", "现职级时间"),
        target="rank_date",
        width=14,
        example="2021.01",
    ),
    RosterField(
        "id_number",
        "公民身份号码",
        Kind.ID_NUMBER,
        ("身份证号", "身份证号码", "身份证", "公民身份证号码", "证件号码"),
        target="id_number",
        width=22,
        example="330102198503120011",
        help="必填，18位；用于识别人员",
        required=True,
    ),
    RosterField(
        "identity_category",
        "身份类别",
        Kind.CHOICE,
        ("人员身份", "身份"),
        target="identity_category",
        width=14,
        example="公务员",
    ),
    RosterField("note", "备注", Kind.TEXT, ("说明",), target="note", width=20),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.in_template)
# The columns the commit writes into the cadre row, with their SQL types.
CADRE_COLUMNS: dict[str, str] = {
    "name": "varchar",
    "name_pinyin": "varchar",
    "name_initials": "varchar",
    "sex": "varchar",
    "birth_date": "date",
    "ethnicity_id": "bigint",
    "native_place": "varchar",
    "native_place_code": "varchar",
    "birthplace": "varchar",
    "birthplace_code": "varchar",
    "political_status_id": "bigint",
    "party_join_date": "date",
    "work_start_date": "date",
    "health_id": "bigint",
    "tech_title_id": "bigint",
    "tech_title_text": "varchar",
    "unit_id": "bigint",
    "current_post": "varchar",
    "current_post_date": "date",
    "post_level_id": "bigint",
    "post_level_date": "date",
    "rank_id": "bigint",
    "rank_date": "date",
    "id_number": "varchar",
    "identity_category": "varchar",
    "note": "text",
}


def header_key(text: object) -> str:
    """A header cell as compared with the names above: NFKC, no whitespace,
    no required-field asterisks, no bracketed notes such as “（必填）”."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"[(（][^)）]*(必填|选填|填写|格式|如)[^)）]*[)）]", "", value)
    return "".join(value.replace("*", "").replace("※", "").split())


_HEADER_INDEX: dict[str, RosterField] = {}
for _f in FIELDS:
    for _name in (_f.label, *_f.synonyms):
        _HEADER_INDEX[header_key(_name)] = _f


@dataclass
class HeaderMap:
    row_index: int  # 0-based index of the header row among the sheet's rows
    fields: dict[int, RosterField]  # column index → field
    unknown: list[tuple[int, str]]  # column index, header text
    duplicates: list[tuple[int, str]]


def find_header(rows: Sequence[Sequence[Any]], *, scan: int = 30) -> HeaderMap | None:
    """The header row: the first of the top rows (merged title rows stand
    above it) that names both 姓名 and the ID number, or three roster
    columns including one of them."""
    for index, row in enumerate(rows[:scan]):
        fields: dict[int, RosterField] = {}
        unknown: list[tuple[int, str]] = []
        duplicates: list[tuple[int, str]] = []
        seen: set[str] = set()
        for column, cell in enumerate(row):
            key = header_key(cell)
            if not key:
                continue
            found = _HEADER_INDEX.get(key)
            if found is None:
                unknown.append((column, str(cell).strip()))
            elif found.key in seen:
                duplicates.append((column, str(cell).strip()))
            else:
                seen.add(found.key)
                fields[column] = found
        if (len(fields) >= 3 and ({"name", "id_number"} & seen)) or {"name", "id_number"} <= seen:
            return HeaderMap(index, fields, unknown, duplicates)
    return None


# --- cells -----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its column; the message is for the user."""


_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Text as stored: stray spaces (ASCII, full-width, non-breaking) trimmed
    and runs of them collapsed; full-width punctuation inside Chinese text is
    kept as written. Numbers typed into text columns lose a trailing “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y.%m.%d}"
    text = str(value).replace("\u3000", " ").replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def clean_token(value: object) -> str:
    """A short coded value (sex, ID number, code): NFKC (full-width letters
    and digits folded) and no whitespace at all."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def read_date(value: object) -> PartialDate | None:
    """A date cell. A number like 1985.03 that Excel stored as 1985.03 is a
    year-month; 1985.1 is refused because it may have been typed 1985.10."""
    if isinstance(value, float) and not value.is_integer() and 1900 <= value < 2101:
        text = repr(value)
        year, _, fraction = text.partition(".")
        if len(fraction) == 1 and fraction == "1":
            raise CellError(
                f"“{text}”无法确定是{year}年1月还是10月，请将该列设为文本格式后填写，如 {year}.01 或 {year}.10"
            )
        if len(fraction) in (1, 2):
            return parse_date(f"{year}.{fraction}")
        raise CellError(f"“{text}”不是可识别的日期，应为 1985.03 等形式")
    if isinstance(value, datetime.time | datetime.timedelta):
        raise CellError(f"“{value}”是时间，不是日期")
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise CellError(str(exc)) from None


SEX_VALUES = {
    "男": Sex.MALE.value,
    "男性": Sex.MALE.value,
    "1": Sex.MALE.value,
    "女": Sex.FEMALE.value,
    "女性": Sex.FEMALE.value,
    "2": Sex.FEMALE.value,
}
SEX_LABELS = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}
IDENTITY_VALUES = {normalize(label): value for value, label in IdentityCategory.choices}
IDENTITY_VALUES.update(
    {
        normalize("参公"): IdentityCategory.REFERENCE_CIVIL_SERVANT.value,
        normalize("参照公务员管理"): IdentityCategory.REFERENCE_CIVIL_SERVANT.value,
    }
)
IDENTITY_LABELS = dict(IdentityCategory.choices)


# Spellings rosters use for a code that the national table names otherwise
# (ZB64 calls 本科 “大学”). Each maps to exactly one code; anything else that
# misses gets a suggestion, never a silent guess.
ALIASES: dict[str, dict[str, str]] = {
    CodeTable.EDUCATION: {
        "大学本科": "21",
        "本科": "21",
        "普通本科": "21",
        "大学专科": "31",
        "专科": "31",
        "硕士研究生": "11",
        "博士研究生": "11",
        "研究生（硕士）": "11",
        "研究生（博士）": "11",
    },
    CodeTable.POLITICAL: {"党员": "01"},
}


@dataclass
class CodeMatcher:
    """Codes of one table matched by code or name, with a suggestion for a
    near miss (汉 → 汉族) instead of a guess."""

    table: str
    label: str
    index: CodeIndex
    names: list[str] = field(default_factory=list)
    cache: dict[str, Code | CellError] = field(default_factory=dict)

    @classmethod
    def build(cls, table: str, label: str) -> CodeMatcher:
        index = code_index(table)
        names = sorted({code.name for code in index.by_code.values() if code.is_active})
        return cls(table, label, index, names)

    def match(self, raw: str) -> Code:
        hit = self.cache.get(raw)
        if hit is None:
            hit = self._match(raw)
            self.cache[raw] = hit
        if isinstance(hit, CellError):
            raise hit
        return hit

    def _match(self, raw: str) -> Code | CellError:
        code = self.index.find(raw)
        if code is not None:
            return code
        key = normalize(raw)
        alias = {normalize(k): v for k, v in ALIASES.get(self.table, {}).items()}.get(key)
        if alias is not None and alias in self.index.by_code:
            return self.index.by_code[alias]
        if key in self.index.by_name:
            return CellError(f"{self.label}“{raw}”对应多个代码，请填写代码值")
        suggestion = self.suggest(raw)
        if suggestion:
            return CellError(f"{self.label}“{raw}”不在代码表中，是否应为“{suggestion}”？")
        return CellError(f"{self.label}“{raw}”不在代码表中，请从模板的下拉列表中选择")

    def suggest(self, raw: str) -> str | None:
        key = normalize(raw)
        if not key:
            return None
        contains = [name for name in self.names if key in normalize(name) or normalize(name) in key]
        if len(contains) == 1:
            return contains[0]
        if contains:
            contains.sort(key=lambda name: abs(len(name) - len(raw)))
            return contains[0]
        close = difflib.get_close_matches(raw, self.names, n=1, cutoff=0.6)
        return close[0] if close else None


@dataclass
class UnitMatcher:
    """Units named in the 所在单位 column, resolved inside the import's unit
    subtree: by name, short name or a “上级/下级” path suffix; a name shared
    by two units must be written with its parent."""

    root: Unit
    by_key: dict[str, list[tuple[int, str]]]  # key → [(unit id, display path)]

    @classmethod
    def build(cls, root: Unit) -> UnitMatcher:
        all_units = {u.pk: u for u in Unit.objects.filter(path__startswith=_tree_root_path(root.path))}
        by_key: dict[str, list[tuple[int, str]]] = {}
        for unit in all_units.values():
            if not unit.path.startswith(root.path):
                continue
            chain = [all_units[int(pk)] for pk in unit.path.strip("/").split("/") if int(pk) in all_units]
            names = [u.name for u in chain]
            display = "/".join(names)
            keys = {normalize("/".join(names[i:])) for i in range(len(names))}
            if unit.short_name:
                keys.add(normalize(unit.short_name))
            for key in keys:
                by_key.setdefault(key, []).append((unit.pk, display))
        return cls(root, by_key)

    def match(self, raw: str) -> int:
        key = normalize(raw.replace("／", "/").replace("\\", "/"))
        candidates = self.by_key.get(key, [])
        if len(candidates) == 1:
            return candidates[0][0]
        if candidates:
            shown = "、".join(display for _, display in candidates[:3])
            raise CellError(f"单位“{raw}”有多个同名单位（{shown}），请写成“上级单位/单位”的形式")
        raise CellError(f"单位“{raw}”不在导入单位“{self.root.name}”及其下级单位中")


def _tree_root_path(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return f"/{first}/"


def unit_labels(units: Iterable[Unit]) -> dict[int, str]:
    """The shortest “上级/下级” name of each unit that no other unit in the
    whole tree shares: what the export writes so that an import resolves it
    back to the same unit."""
    units = list(units)
    by_pk = {u.pk: u for u in units}
    chains: dict[int, list[str]] = {}
    for unit in units:
        chains[unit.pk] = [by_pk[int(pk)].name for pk in unit.path.strip("/").split("/") if int(pk) in by_pk]
    counts: dict[str, int] = {}
    for names in chains.values():
        for i in range(len(names)):
            key = "/".join(names[i:])
            counts[key] = counts.get(key, 0) + 1
    labels: dict[int, str] = {}
    for pk, names in chains.items():
        label = "/".join(names)
        for i in range(len(names) - 1, -1, -1):
            key = "/".join(names[i:])
            if counts[key] == 1:
                label = key
                break
        labels[pk] = label
    return labels


def split_combined_education(raw: str, levels: CodeMatcher, degrees: CodeMatcher) -> tuple[str, str]:
    """“大学本科 法学学士” or “大学本科、法学学士” or “大学本科法学学士” → the
    学历 and the 学位 text (either may be empty)."""
    text = clean_text(raw)
    parts = [p for p in re.split(r"[\s、，,/；;]+", text) if p]
    if len(parts) >= 2:
        return parts[0], "".join(parts[1:])
    for name in sorted(levels.names, key=len, reverse=True):
        if text.startswith(name):
            return name, text[len(name) :]
    return text, ""


@lru_cache(maxsize=65536)
def year_month(value: datetime.date | None) -> str:
    return f"{value:%Y.%m}" if value else ""


@lru_cache(maxsize=65536)
def date_text(value: datetime.date | None) -> str:
    """A stored date as the roster writes it: the day only when it is known
    (the registry keeps a year-month as the first of the month)."""
    if value is None:
        return ""
    return f"{value:%Y.%m}" if value.day == 1 else f"{value:%Y.%m.%d}"


def dates_equal(stored: datetime.date | None, incoming: PartialDate) -> bool:
    """A year-month matches a stored date in the same month: a roster's
    coarser date must not overwrite a precise one with the first of the month."""
    if stored is None:
        return False
    if incoming.precision is Precision.MONTH:
        return (stored.year, stored.month) == (incoming.value.year, incoming.value.month)
    return stored == incoming.value


Converter = Callable[[object], Any]
