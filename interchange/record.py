"""One cadre record in a neutral form, as read from an interchange file
(LRMX, LRM) or from the database, and the two operations the import needs
on it: what differs from the stored record (``diff_records``) and how to
write it (``apply_record``).

Value conventions in ``ParsedRecord.cadre`` and the sub-record dicts (keys
are the model field names): codes are ``Code`` instances or None; dates are
``PartialDate`` so that a year-month stays a year-month; text is str; sex is
the GB22611 code ("1"/"2").

Only what the national form carries is compared and written. Everything
else on a stored record (unit, status, posts held, ranks, a family member's
ID number …) is left as it is, and a field that an older file simply lacks
(ShenFenZheng, the photo, the retirement-reform fields) is "not given", not
"cleared".
"""

from __future__ import annotations

import datetime
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import scope_of
from interchange import texts
from personnel import rules
from personnel.dates import PartialDate, Precision
from personnel.history import history_context
from personnel.models import (
    Appraisal,
    Cadre,
    Code,
    Education,
    EducationKind,
    FamilyMember,
    Photo,
    ResumeEntry,
    RewardKind,
    RewardPunishment,
    Sex,
    Unit,
)
from personnel.services import cadre_clean, name_pinyin

if TYPE_CHECKING:
    from accounts.access import Actor

SEX_LABELS = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}
# GB4762: the communist party (01 member, 02 probationary), the Youth League
# and the masses. Every other status is a party whose name the form's 入党时间
# cell shows (民盟, 九三 …).
NOT_A_PARTY_NAME = frozenset({"01", "02", "03", "13"})
CPC_MEMBER = "01"
CPC_CODES = frozenset({"01", "02"})


@dataclass(frozen=True)
class Issue:
    """A problem in one field of a file, for the import preview."""

    field: str  # the form's label: 出生年月
    column: str  # where in the file: ChuShengNianYue, 字段3
    message: str  # what is wrong and what was expected, in Chinese


@dataclass(frozen=True)
class FieldChange:
    field: str  # the key: "birth_date", "resume" …
    label: str  # 出生年月, 简历 …
    old: str
    new: str


@dataclass
class ParsedRecord:
    """One cadre record as read from a file or the database (see the module
    docstring for the value conventions).

    ``proposed`` holds what the form carries but the registry does not
    store on the cadre: ``proposed_post`` 拟任职务, ``proposed_removal``
    拟免职务, ``reason`` 任免理由, ``reporting_unit`` 呈报单位,
    ``age_reference`` 计算年龄时间, ``filled_by`` 填表人, ``filled_at`` 填表时间
    (dates as PartialDate), and, as read from newer files, ``retirement_month``
    (DaoLingNianYue; the registry computes its own)."""

    source: str
    cadre: dict[str, Any] = field(default_factory=dict)
    educations: list[dict[str, Any]] = field(default_factory=list)
    resume: list[dict[str, Any]] = field(default_factory=list)
    family: list[dict[str, Any]] = field(default_factory=list)
    appraisals: list[dict[str, Any]] = field(default_factory=list)
    # Reward and punishment rows of a stored record. A file's 奖惩情况 is free
    # text (cadre["rewards_text"]); rows are never replaced from a file.
    rewards: list[dict[str, Any]] = field(default_factory=list)
    photo: bytes | None = None
    photo_content_type: str = ""
    proposed: dict[str, Any] = field(default_factory=dict)
    file_version: str = ""
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, label: str, column: str, message: str) -> None:
        self.errors.append(Issue(field=label, column=column, message=message))

    def warn(self, label: str, column: str, message: str) -> None:
        self.warnings.append(Issue(field=label, column=column, message=message))


# --- from the database ----------------------------------------------------------------------

CADRE_RELATED = ("unit", "ethnicity", "political_status", "health", "tech_title", "age_limit")
# The Cadre fields a ParsedRecord carries (what the national form shows,
# plus what the form's computed cells need: the retirement category).
CADRE_KEYS = (
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "native_place",
    "birthplace",
    "political_status",
    "party_join_date",
    "work_start_date",
    "health",
    "health_text",
    "tech_title",
    "tech_title_text",
    "expertise",
    "current_post",
    "rewards_text",
    "id_number",
    "age_limit",
    "retirement_category",
)
EDUCATION_KEYS = (
    "kind",
    "education",
    "degree",
    "school",
    "major",
    "start_date",
    "end_date",
    "is_highest",
    "sort_order",
)
RESUME_KEYS = ("start_date", "end_date", "content", "note", "sort_order")
FAMILY_KEYS = (
    "relation",
    "relation_text",
    "name",
    "birth_date",
    "political_status",
    "work_unit_and_post",
    "id_number",
    "is_deceased",
    "is_social_relation",
    "sort_order",
)
APPRAISAL_KEYS = ("year", "grade", "note")
REWARD_KEYS = ("kind", "title", "date", "issuer", "description")


def partial(value: datetime.date | None) -> PartialDate | None:
    """A stored date as a PartialDate: the first of a month is a year-month
    (how the registry stores one, see personnel.models), any other day a day."""
    if value is None:
        return None
    return PartialDate(value, Precision.MONTH if value.day == 1 else Precision.DAY)


def _values(obj: Any, keys: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(obj, key)
        out[key] = partial(value) if isinstance(value, datetime.date) else value
    return out


def cadres_with_records(queryset: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """The queryset with everything ``record_from_cadre`` reads, in a fixed
    number of queries whatever the number of cadres."""
    return queryset.select_related(*CADRE_RELATED, "photo").prefetch_related(
        Prefetch("educations", queryset=Education.objects.select_related("education", "degree")),
        Prefetch("resume_entries", queryset=ResumeEntry.objects.order_by("sort_order", "start_date", "id")),
        Prefetch(
            "family",
            queryset=FamilyMember.objects.select_related("relation", "political_status").order_by("sort_order", "id"),
        ),
        Prefetch("appraisals", queryset=Appraisal.objects.order_by("year")),
        Prefetch("rewards", queryset=RewardPunishment.objects.order_by("date", "id")),
    )


def record_from_loaded(cadre: Cadre) -> ParsedRecord:
    """A cadre loaded through ``cadres_with_records`` as a ParsedRecord."""
    record = ParsedRecord(source=f"cadre:{cadre.pk}", cadre=_values(cadre, CADRE_KEYS))
    record.educations = [_values(e, EDUCATION_KEYS) for e in cadre.educations.all()]
    record.resume = [_values(e, RESUME_KEYS) for e in cadre.resume_entries.all()]
    record.family = [_values(m, FAMILY_KEYS) for m in cadre.family.all()]
    record.appraisals = [_values(a, APPRAISAL_KEYS) for a in cadre.appraisals.all()]
    record.rewards = [_values(r, REWARD_KEYS) for r in cadre.rewards.all()]
    try:
        photo = cadre.photo
    except Photo.DoesNotExist:
        photo = None
    if photo is not None:
        record.photo = bytes(photo.data)
        record.photo_content_type = photo.content_type
    return record


def record_from_cadre(cadre: Cadre) -> ParsedRecord:
    """A stored cadre with its sub-records, in seven queries. ``cadre`` must
    come from a scoped read (accounts.access)."""
    return record_from_loaded(cadres_with_records(Cadre.objects.filter(pk=cadre.pk)).get())


def records_from_cadres(queryset: QuerySet[Cadre], *, chunk: int = 200) -> Iterator[tuple[Cadre, ParsedRecord]]:
    """Many cadres (already scoped) as records, read ``chunk`` at a time."""
    ids = list(queryset.values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk):
        part = ids[offset : offset + chunk]
        loaded = {c.pk: c for c in cadres_with_records(Cadre.objects.filter(pk__in=part))}
        for pk in part:
            if pk in loaded:
                yield loaded[pk], record_from_loaded(loaded[pk])


# --- what the form shows, field by field ---------------------------------------------------


def code_name(code: Code | None) -> str:
    return code.name if code is not None else ""


def date_text(value: PartialDate | None) -> str:
    return str(value) if value is not None else ""


def school_text(entry: dict[str, Any]) -> str:
    """毕业院校系及专业 of one education row, as the form prints it."""
    school, major = entry.get("school") or "", entry.get("major") or ""
    return f"{school}{major}" if major and major not in school else school


@dataclass(frozen=True)
class EducationCell:
    """One of the form's two 学历学位 rows (全日制教育, 在职教育)."""

    education: str  # 学历
    degree: str  # 学位
    school: str  # 学历's 毕业院校系及专业
    degree_school: str  # 学位's, only when it differs from the 学历's

    @property
    def is_empty(self) -> bool:
        return not (self.education or self.degree or self.school or self.degree_school)


def education_cell(educations: list[dict[str, Any]], kind: str) -> EducationCell:
    """The row the form shows for one kind of education: the highest (else
    the last) entry; when it has no degree, a degree-only entry of the same
    kind supplies 学位 and its own school."""
    rows = [e for e in educations if e.get("kind") == kind]
    if not rows:
        return EducationCell("", "", "", "")
    primary = next((e for e in rows if e.get("is_highest")), None)
    if primary is None:
        with_education = [e for e in rows if e.get("education") is not None]
        primary = with_education[-1] if with_education else rows[-1]
    school = school_text(primary)
    if primary.get("degree") is not None:
        return EducationCell(code_name(primary.get("education")), code_name(primary["degree"]), school, "")
    degree_row = next(
        (e for e in rows if e is not primary and e.get("education") is None and e.get("degree") is not None), None
    )
    if degree_row is None:
        return EducationCell(code_name(primary.get("education")), "", school, "")
    degree_school = school_text(degree_row)
    return EducationCell(
        code_name(primary.get("education")),
        code_name(degree_row["degree"]),
        school,
        degree_school if degree_school != school else "",
    )


EDUCATION_KINDS = ((EducationKind.FULL_TIME.value, "全日制教育"), (EducationKind.IN_SERVICE.value, "在职教育"))


def education_lines(record: ParsedRecord) -> list[str]:
    lines = []
    for kind, label in EDUCATION_KINDS:
        cell = education_cell(record.educations, kind)
        if not cell.is_empty:
            parts = [cell.education, cell.degree, cell.school]
            if cell.degree_school:
                parts.append(f"学位：{cell.degree_school}")
            lines.append(f"{label}：" + " ".join(p for p in parts if p))
    return lines


def party_name(record: ParsedRecord) -> str:
    status = record.cadre.get("political_status")
    if status is not None and status.code not in NOT_A_PARTY_NAME:
        return str(status.name)
    return ""


def party_text(record: ParsedRecord) -> str:
    """入党时间 as the form prints it: the year-month, or the party's name."""
    parts = [date_text(record.cadre.get("party_join_date"))] if record.cadre.get("party_join_date") else []
    if party_name(record):
        parts.append(party_name(record))
    return "；".join(parts)


def health_text(record: ParsedRecord) -> str:
    return str(record.cadre.get("health_text") or code_name(record.cadre.get("health")))


def tech_title_text(record: ParsedRecord) -> str:
    return str(record.cadre.get("tech_title_text") or code_name(record.cadre.get("tech_title")))


def rewards_text(record: ParsedRecord) -> str:
    """奖惩情况: the record's own text when it has one, else its reward and
    punishment rows, else 无 (as the cadre page shows it)."""
    own = str(record.cadre.get("rewards_text") or "").strip()
    if own:
        return own
    parts = []
    for row in record.rewards:
        when = f"{row['date'].value:%Y.%m}" if row.get("date") else ""
        issuer = row.get("issuer") or ""
        if issuer and row.get("kind") == RewardKind.PUNISHMENT:
            issuer = f"被{issuer}"
        parts.append(f"{when}{issuer}{row.get('title', '')}".strip())
    return "；".join(parts) or "无"


def family_relation_text(member: dict[str, Any]) -> str:
    return str(member.get("relation_text") or code_name(member.get("relation")))


def family_unit_text(member: dict[str, Any]) -> str:
    text = str(member.get("work_unit_and_post") or "")
    if member.get("is_deceased") and not texts.is_deceased_text(text):
        return f"{text}（已去世）" if text else "已去世"
    return text


def family_political_text(member: dict[str, Any]) -> str:
    return str(code_name(member.get("political_status")) or member.get("political_status_text") or "")


def family_line(member: dict[str, Any]) -> str:
    birth = member.get("birth_date")
    parts = [
        family_relation_text(member),
        str(member.get("name") or ""),
        # The form carries a member's birth as a year-month.
        f"{birth.value:%Y.%m}" if birth is not None else "",
        family_political_text(member),
        family_unit_text(member),
    ]
    return " ".join(p if p else "—" for p in parts)


# The 改革前任职年龄界限 a record has when none is recorded: by sex (DOMAIN.md 6.1).
DEFAULT_AGE_LIMIT_CODE = {Sex.MALE.value: "60", Sex.FEMALE.value: "55"}


def age_limit_code(record: ParsedRecord) -> str:
    code = record.cadre.get("age_limit")
    if code is not None:
        return str(code.code)
    if record.cadre.get("retirement_category") == "female_worker":
        return ""
    return DEFAULT_AGE_LIMIT_CODE.get(str(record.cadre.get("sex") or ""), "")


# --- differences ------------------------------------------------------------------------------


def _same_date(stored: PartialDate | None, incoming: PartialDate | None) -> bool:
    """A year-month in the file equals a stored day in that month: the form
    only ever carries the month."""
    if stored is None or incoming is None:
        return stored is None and incoming is None
    if incoming.precision is Precision.MONTH:
        return (stored.value.year, stored.value.month) == (incoming.value.year, incoming.value.month)
    return stored.value == incoming.value


@dataclass(frozen=True)
class Spec:
    """One cell of the form: its key, label, the model fields it covers, how
    it reads, and (optionally) its own notion of "the same"."""

    key: str
    label: str
    fields: tuple[str, ...]
    show: Callable[[ParsedRecord], str]
    same: Callable[[ParsedRecord, ParsedRecord], bool] | None = None
    # A file may lack the cell entirely (older versions): then it is not a change.
    absent: Callable[[ParsedRecord], bool] | None = None


def _text(key: str) -> Callable[[ParsedRecord], str]:
    return lambda record: str(record.cadre.get(key) or "").strip()


def _date_spec(key: str, label: str) -> Spec:
    return Spec(
        key,
        label,
        (key,),
        lambda r: date_text(r.cadre.get(key)),
        same=lambda a, b: _same_date(a.cadre.get(key), b.cadre.get(key)),
    )


def _same_party(stored: ParsedRecord, incoming: ParsedRecord) -> bool:
    return _same_date(stored.cadre.get("party_join_date"), incoming.cadre.get("party_join_date")) and party_name(
        stored
    ) == party_name(incoming)


def _appraisal_show(record: ParsedRecord) -> str:
    return texts.appraisal_text(record.appraisals).rstrip("。")


def _photo_show(record: ParsedRecord) -> str:
    if record.photo is None:
        return "无"
    digest = hashlib.sha256(record.photo).hexdigest()[:8]
    return f"照片（{len(record.photo) // 1024 or 1}KB，{digest}）"


def _rewards_show(record: ParsedRecord) -> str:
    text = rewards_text(record)
    return "" if text == "无" else text


def _age_limit_show(record: ParsedRecord) -> str:
    code = age_limit_code(record)
    return f"改革前任职年龄界限为{code}岁" if code and code != "-1" else ("已到龄人员" if code == "-1" else "")


SPECS: tuple[Spec, ...] = (
    Spec("name", "姓名", ("name",), lambda r: "".join(str(r.cadre.get("name") or "").split())),
    Spec("sex", "性别", ("sex",), lambda r: SEX_LABELS.get(str(r.cadre.get("sex") or ""), "")),
    _date_spec("birth_date", "出生年月"),
    Spec("ethnicity", "民族", ("ethnicity",), lambda r: code_name(r.cadre.get("ethnicity"))),
    Spec("native_place", "籍贯", ("native_place",), _text("native_place")),
    Spec("birthplace", "出生地", ("birthplace",), _text("birthplace")),
    Spec("party", "入党时间", ("party_join_date", "political_status"), party_text, same=_same_party),
    _date_spec("work_start_date", "参加工作时间"),
    Spec("health", "健康状况", ("health", "health_text"), health_text),
    Spec("tech_title", "专业技术职务", ("tech_title", "tech_title_text"), tech_title_text),
    Spec("expertise", "熟悉专业有何专长", ("expertise",), _text("expertise")),
    Spec("current_post", "现任职务", ("current_post",), _text("current_post")),
    Spec("rewards_text", "奖惩情况", ("rewards_text",), _rewards_show),
    Spec(
        "id_number",
        "公民身份号码",
        ("id_number",),
        lambda r: str(r.cadre.get("id_number") or ""),
        absent=lambda r: not r.cadre.get("id_number"),
    ),
    Spec(
        "age_limit",
        "改革前任职年龄界限",
        ("age_limit",),
        _age_limit_show,
        absent=lambda r: r.cadre.get("age_limit") is None,
    ),
)


def _list_change(key: str, label: str, old: list[str], new: list[str]) -> FieldChange | None:
    if old == new:
        return None
    gone = [line for line in old if line not in new]
    added = [line for line in new if line not in old]
    if not gone and not added:  # same lines, another order
        gone, added = old, new
    return FieldChange(key, label, "\n".join(gone) or "（无）", "\n".join(added) or "（无）")


def _resume_lines(record: ParsedRecord) -> list[str]:
    return [texts.resume_line(e) for e in record.resume]


def _family_lines(record: ParsedRecord) -> list[str]:
    return [family_line(m) for m in record.family]


def _appraisal_lines(record: ParsedRecord) -> list[str]:
    return [texts.appraisal_text([row]).rstrip("。") for row in sorted(record.appraisals, key=lambda r: r["year"])]


LIST_SPECS: tuple[tuple[str, str, Callable[[ParsedRecord], list[str]]], ...] = (
    ("educations", "学历学位", education_lines),
    ("resume", "简历", _resume_lines),
    ("appraisals", "年度考核结果", _appraisal_lines),
    ("family", "家庭主要成员及重要社会关系", _family_lines),
)


def diff_records(stored: ParsedRecord, incoming: ParsedRecord) -> list[FieldChange]:
    """What importing ``incoming`` over ``stored`` would change, cell by cell
    of the form, as display strings. A year-month equal to the stored day's
    month is no change; lists (简历, 家庭成员 …) compare as wholes and show
    the lines that differ; a cell the file lacks (an older version without
    ShenFenZheng, the photo or the retirement-reform fields) is no change."""
    changes: list[FieldChange] = []
    for spec in SPECS:
        if spec.absent is not None and spec.absent(incoming):
            continue
        same = spec.same(stored, incoming) if spec.same else spec.show(stored) == spec.show(incoming)
        if not same:
            changes.append(FieldChange(spec.key, spec.label, spec.show(stored), spec.show(incoming)))
    for key, label, lines in LIST_SPECS:
        change = _list_change(key, label, lines(stored), lines(incoming))
        if change is not None:
            changes.append(change)
    if incoming.photo is not None and incoming.photo != stored.photo:
        changes.append(FieldChange("photo", "照片", _photo_show(stored), _photo_show(incoming)))
    return changes


# --- writing ----------------------------------------------------------------------------------

SPEC_FIELDS = {spec.key: spec.fields for spec in SPECS}


def _model_value(value: Any) -> Any:
    return value.value if isinstance(value, PartialDate) else value


def _political_status_for(stored: Cadre | None, incoming: ParsedRecord) -> Code | None:
    """The cadre's political status after importing the 入党时间 cell: a named
    party is that party; a date alone keeps a stored CPC status (a
    probationary member stays one) or makes a member; nothing keeps
    whatever was stored unless it was a party the cell no longer names."""
    status: Code | None = incoming.cadre.get("political_status")
    current = stored.political_status if stored is not None else None
    if status is not None and status.code not in NOT_A_PARTY_NAME:
        return status
    if incoming.cadre.get("party_join_date") is not None:
        if current is not None and current.code in CPC_CODES:
            return current
        return status
    if current is not None and current.code not in NOT_A_PARTY_NAME:
        return None
    return current if stored is not None else status


def _cadre_data(record: ParsedRecord, keys: Iterable[str], stored: Cadre | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in keys:
        for name in SPEC_FIELDS[key]:
            if name == "political_status":
                data[name] = _political_status_for(stored, record)
            elif name in record.cadre:
                value = _model_value(record.cadre[name])
                if name in ("health_text", "tech_title_text", "rewards_text") and value is None:
                    value = ""
                data[name] = value
    if "rewards_text" in data and str(data["rewards_text"]).strip() in ("无", ""):
        data["rewards_text"] = ""
    return data


def _require_write(actor: Actor | None, unit: Unit) -> None:
    if actor is not None and not scope_of(actor).can_write_path(unit.path):
        raise PermissionDenied("无权修改该单位的干部信息")


def _clean_rows(rows: list[Any], label: str) -> None:
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["cadre"], validate_unique=False)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                problems.extend(f"{label}第{number}项：{message}" for message in messages)
    if problems:
        raise ValidationError({label: problems})


def _education_rows(record: ParsedRecord, kind: str) -> list[dict[str, Any]]:
    return [e for e in record.educations if e.get("kind") == kind]


def _build(model: type[Any], cadre: Cadre, rows: list[dict[str, Any]], keys: Iterable[str]) -> list[Any]:
    allowed = set(keys)
    return [
        model(cadre=cadre, **{k: _model_value(v) for k, v in row.items() if k in allowed and v is not None})
        for row in rows
    ]


def _replace_subrecords(cadre: Cadre, record: ParsedRecord, keys: set[str], *, created: bool) -> None:
    if "educations" in keys:
        for kind, label in EDUCATION_KINDS:
            if not created and education_cell(record_from_cadre_educations(cadre), kind) == education_cell(
                record.educations, kind
            ):
                continue
            existing = list(Education.objects.filter(cadre=cadre, kind=kind).select_related("education", "degree"))
            shown = _shown_education_ids(existing, kind)
            rows = _build(Education, cadre, _education_rows(record, kind), EDUCATION_KEYS)
            _clean_rows(rows, f"{label}")
            Education.objects.filter(pk__in=shown).delete()
            # The form's row is the highest: the entries it does not show stay, below it.
            Education.objects.filter(cadre=cadre, kind=kind, is_highest=True).update(is_highest=False)
            Education.objects.bulk_create(rows)
    if "resume" in keys:
        rows = _build(ResumeEntry, cadre, record.resume, RESUME_KEYS)
        for position, row in enumerate(rows):
            row.sort_order = position
        _clean_rows(rows, "简历")
        ResumeEntry.objects.filter(cadre=cadre).delete()
        ResumeEntry.objects.bulk_create(rows)
    if "appraisals" in keys:
        notes = dict(Appraisal.objects.filter(cadre=cadre).values_list("year", "note"))
        rows = _build(Appraisal, cadre, record.appraisals, APPRAISAL_KEYS)
        for row in rows:
            row.note = row.note or notes.get(row.year, "")
        _clean_rows(rows, "年度考核结果")
        Appraisal.objects.filter(cadre=cadre).delete()
        Appraisal.objects.bulk_create(rows)
    if "family" in keys:
        # What the form does not carry (a member's ID number, whether they
        # are a social relation) stays with the member of the same name.
        kept = {m.name: m for m in FamilyMember.objects.filter(cadre=cadre)}
        rows = _build(FamilyMember, cadre, record.family, FAMILY_KEYS)
        for position, row in enumerate(rows):
            row.sort_order = position
            before = kept.pop(row.name, None)
            if before is not None:
                row.id_number = row.id_number or before.id_number
                row.is_social_relation = before.is_social_relation
        _clean_rows(rows, "家庭主要成员及重要社会关系")
        FamilyMember.objects.filter(cadre=cadre).delete()
        FamilyMember.objects.bulk_create(rows)
    if "photo" in keys and record.photo is not None:
        Photo.objects.update_or_create(
            cadre=cadre, defaults={"data": record.photo, "content_type": record.photo_content_type or "image/jpeg"}
        )


def record_from_cadre_educations(cadre: Cadre) -> list[dict[str, Any]]:
    return [
        _values(e, EDUCATION_KEYS) for e in Education.objects.filter(cadre=cadre).select_related("education", "degree")
    ]


def _shown_education_ids(existing: list[Education], kind: str) -> list[int]:
    """The stored entries the form's row of this kind is made of."""
    dicts = [{**_values(e, EDUCATION_KEYS), "pk": e.pk} for e in existing]
    rows = [d for d in dicts if d["kind"] == kind]
    if not rows:
        return []
    primary = next((d for d in rows if d.get("is_highest")), None)
    if primary is None:
        with_education = [d for d in rows if d.get("education") is not None]
        primary = with_education[-1] if with_education else rows[-1]
    shown = [primary["pk"]]
    if primary.get("degree") is None:
        degree_row = next(
            (d for d in rows if d is not primary and d.get("education") is None and d.get("degree") is not None),
            None,
        )
        if degree_row is not None:
            shown.append(degree_row["pk"])
    return shown


@transaction.atomic
def apply_record(*, actor: Actor | None, record: ParsedRecord, unit: Unit, cadre: Cadre | None = None) -> Cadre:
    """Create a cadre in ``unit`` from a record (``cadre`` None) or bring a
    stored cadre in line with it, writing only the cells that differ
    (``diff_records``): the cadre's own fields, the sub-record lists that
    changed (replaced as wholes), the photo. Nothing at all is written when
    nothing differs, so an unchanged file leaves no history row.

    Validated like ``personnel.services.cadre_clean`` (ID number, birth
    date and sex agree …): a ValidationError with Chinese messages. The
    caller provides the transaction and the history context (the import
    wraps a job's commit in ``history_context(actor=…, import_job=…)``);
    the version is bumped once per changed record."""
    if record.errors:
        raise ValidationError([f"{issue.field}：{issue.message}" for issue in record.errors])
    if cadre is None:
        _require_write(actor, unit)
        data = _cadre_data(record, SPEC_FIELDS, None)
        data["retirement_category"] = record.cadre.get("retirement_category") or ""
        new = Cadre(unit=unit, **data)
        cadre_clean(new)
        with history_context(actor=actor):
            new.save()
            _replace_subrecords(new, record, {"educations", "resume", "appraisals", "family", "photo"}, created=True)
        return new

    stored = record_from_cadre(cadre)
    changes = diff_records(stored, record)
    if not changes:
        return cadre
    locked = Cadre.objects.select_for_update(of=("self",)).select_related(*CADRE_RELATED).get(pk=cadre.pk)
    _require_write(actor, locked.unit)
    keys = {change.field for change in changes}
    data = _cadre_data(record, keys & set(SPEC_FIELDS), locked)
    for name, value in data.items():
        setattr(locked, name, value)
    cadre_clean(locked)
    locked.version = F("version") + 1  # type: ignore[assignment]
    with history_context(actor=actor):
        locked.save()
        _replace_subrecords(locked, record, keys, created=False)
    locked.refresh_from_db()
    return locked


# --- writing many -----------------------------------------------------------------------------

_CADRE_CODE_FIELDS = ("ethnicity", "political_status", "health", "tech_title", "age_limit", "post_level", "rank")
_SUB_CODE_FIELDS = {
    Education: ("cadre", "education", "degree"),
    ResumeEntry: ("cadre",),
    FamilyMember: ("cadre", "relation", "political_status"),
    Appraisal: ("cadre",),
}


def _check_cadre(cadre: Cadre) -> dict[str, list[str]]:
    """``personnel.services.cadre_clean`` without its queries: the same ID
    number rules and field checks; the codes come from the CodeBook (valid
    by construction) and the uniqueness of the ID number is checked for the
    whole batch at once by the caller."""
    errors: dict[str, list[str]] = {}
    exclude = ["version", "unit", *_CADRE_CODE_FIELDS]
    if cadre.id_number:
        try:
            info = rules.parse_id_number(cadre.id_number)
        except rules.IdNumberError as exc:
            errors.setdefault("id_number", []).append(str(exc))
            exclude.append("id_number")
        else:
            cadre.id_number = info.number
            problems = rules.check_id_number_matches(info, birth_date=cadre.birth_date, sex=cadre.sex or None)
            if problems:
                errors["id_number"] = list(problems)
    else:
        cadre.id_number = None
    cadre.name = "".join(cadre.name.split())
    cadre.name_pinyin, cadre.name_initials = name_pinyin(cadre.name)
    try:
        cadre.clean_fields(exclude=exclude)
        cadre.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _check_rows(rows: list[Any], label: str) -> list[str]:
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            row.clean_fields(exclude=list(_SUB_CODE_FIELDS[type(row)]))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                problems.extend(f"{label}第{number}项：{message}" for message in messages)
    # The one constraint of these tables a batch can break by itself.
    years = [row.year for row in rows if isinstance(row, Appraisal)]
    problems.extend(f"{label}：{year}年度出现了两次" for year in sorted({y for y in years if years.count(y) > 1}))
    return problems


@dataclass
class _Planned:
    record: ParsedRecord
    cadre: Cadre
    keys: set[str]
    created: bool
    stored: ParsedRecord | None = None
    education_kinds: list[str] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list)
    resume: list[ResumeEntry] = field(default_factory=list)
    appraisals: list[Appraisal] = field(default_factory=list)
    family: list[FamilyMember] = field(default_factory=list)


def _plan_subrecords(planned: _Planned) -> list[str]:
    """Build (not save) the sub-record rows a record writes, the way
    ``_replace_subrecords`` does, and say what is wrong with them."""
    record, cadre, keys = planned.record, planned.cadre, planned.keys
    problems: list[str] = []
    stored = planned.stored
    if "educations" in keys:
        for kind, label in EDUCATION_KINDS:
            if stored is not None and education_cell(stored.educations, kind) == education_cell(
                record.educations, kind
            ):
                continue
            planned.education_kinds.append(kind)
            rows = _build(Education, cadre, _education_rows(record, kind), EDUCATION_KEYS)
            problems.extend(_check_rows(rows, label))
            planned.educations.extend(rows)
    if "resume" in keys:
        rows = _build(ResumeEntry, cadre, record.resume, RESUME_KEYS)
        for position, row in enumerate(rows):
            row.sort_order = position
        problems.extend(_check_rows(rows, "简历"))
        planned.resume = rows
    if "appraisals" in keys:
        notes = {} if planned.created else {a.year: a.note for a in cadre.appraisals.all()}
        rows = _build(Appraisal, cadre, record.appraisals, APPRAISAL_KEYS)
        for row in rows:
            row.note = row.note or notes.get(row.year, "")
        problems.extend(_check_rows(rows, "年度考核结果"))
        planned.appraisals = rows
    if "family" in keys:
        kept = {} if planned.created else {m.name: m for m in cadre.family.all()}
        rows = _build(FamilyMember, cadre, record.family, FAMILY_KEYS)
        for position, row in enumerate(rows):
            row.sort_order = position
            before = kept.pop(row.name, None)
            if before is not None:
                row.id_number = row.id_number or before.id_number
                row.is_social_relation = before.is_social_relation
        problems.extend(_check_rows(rows, "家庭主要成员及重要社会关系"))
        planned.family = rows
    return problems


def _field_label(name: str) -> str:
    try:
        return str(Cadre._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:
        return name


class RecordsInvalid(ValidationError):
    """Records that cannot be written; ``problems`` maps each record's source
    to its messages (Chinese)."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__([f"{source}：{message}" for source, messages in problems.items() for message in messages])
        self.problems = problems


def plan_records(*, unit: Unit, items: Iterable[tuple[ParsedRecord, Cadre | None]]) -> list[_Planned]:
    """What ``apply_records`` would write, built and checked but not saved
    (the import's preview runs this too, to show every problem before the
    user confirms). Raises RecordsInvalid with every problem of every record."""
    plans: list[_Planned] = []
    problems: dict[str, list[str]] = {}
    for record, cadre in items:
        if record.errors:
            problems[record.source] = [f"{issue.field}：{issue.message}" for issue in record.errors]
            continue
        if cadre is None:
            data = _cadre_data(record, SPEC_FIELDS, None)
            data["retirement_category"] = record.cadre.get("retirement_category") or ""
            planned = _Planned(record, Cadre(unit=unit, **data), set(LIST_KEYS) | {"photo"}, created=True)
        else:
            stored = record_from_loaded(cadre)
            changes = diff_records(stored, record)
            if not changes:
                continue
            keys = {change.field for change in changes}
            for name, value in _cadre_data(record, keys & set(SPEC_FIELDS), cadre).items():
                setattr(cadre, name, value)
            planned = _Planned(record, cadre, keys, created=False, stored=stored)
        errors = _check_cadre(planned.cadre)
        messages = [f"{_field_label(name)}：{m}" for name, ms in errors.items() for m in ms]
        messages.extend(_plan_subrecords(planned))
        if messages:
            problems[record.source] = messages
        plans.append(planned)
    numbers: dict[str, list[_Planned]] = {}
    for planned in plans:
        if planned.cadre.id_number:
            numbers.setdefault(planned.cadre.id_number, []).append(planned)
    taken = dict(Cadre.objects.filter(id_number__in=list(numbers)).values_list("id_number", "pk") if numbers else [])
    for number, group in numbers.items():
        for planned in group:
            other = taken.get(number)
            if (other is not None and other != planned.cadre.pk) or len(group) > 1:
                problems.setdefault(planned.record.source, []).append(f"公民身份号码：{number}已被其他人员使用")
    if problems:
        raise RecordsInvalid(problems)
    return plans


LIST_KEYS = ("educations", "resume", "appraisals", "family")


def apply_records(
    *, actor: Actor | None, unit: Unit, items: Iterable[tuple[ParsedRecord, Cadre | None]]
) -> list[Cadre]:
    """``apply_record`` for a batch, in a fixed number of statements: new
    records become cadres in ``unit``, stored cadres (each loaded through
    ``cadres_with_records`` and locked by the caller, in the caller's
    transaction and history context) are brought in line with their record.
    The same rules as ``apply_record``: only what differs is written, sub-
    record lists that changed are replaced as wholes (what the form does not
    carry is kept), the version is bumped once per changed cadre, nothing
    is written for a record that does not differ. Every record is checked
    before anything is written (RecordsInvalid with every problem); the
    history triggers write their rows as for single writes."""
    plans = plan_records(unit=unit, items=items)
    if not plans:
        return []
    if actor is not None:
        scope = scope_of(actor)
        paths = {unit.path if p.created else p.cadre.unit.path for p in plans}
        if not all(scope.can_write_path(path) for path in paths):
            raise PermissionDenied("无权修改该单位的干部信息")
    created = [p for p in plans if p.created]
    updated = [p for p in plans if not p.created]
    now = timezone.now()
    Cadre.objects.bulk_create([p.cadre for p in created])
    if updated:
        fields = {"name_pinyin", "name_initials", "version", "updated_at", "id_number", "name"}
        for p in updated:
            fields.update(name for key in p.keys & set(SPEC_FIELDS) for name in SPEC_FIELDS[key])
            p.cadre.version += 1
            p.cadre.updated_at = now
        Cadre.objects.bulk_update([p.cadre for p in updated], sorted(fields))
    # Replace what changed on stored cadres: the shown education rows, whole lists.
    drop_education: list[int] = []
    unset_highest: list[Q] = []
    for p in updated:
        if p.education_kinds:
            existing = list(p.cadre.educations.all())
            for kind in p.education_kinds:
                drop_education.extend(_shown_education_ids(existing, kind))
                unset_highest.append(Q(cadre=p.cadre, kind=kind))
    if drop_education:
        Education.objects.filter(pk__in=drop_education).delete()
    if unset_highest:
        # The form's row is the highest: the entries it does not show stay, below it.
        Education.objects.filter(reduce(operator.or_, unset_highest), is_highest=True).update(is_highest=False)
    for key, model in (("resume", ResumeEntry), ("appraisals", Appraisal), ("family", FamilyMember)):
        ids = [p.cadre.pk for p in updated if key in p.keys]
        if ids:
            model.objects.filter(cadre_id__in=ids).delete()
    Education.objects.bulk_create([row for p in plans for row in p.educations])
    ResumeEntry.objects.bulk_create([row for p in plans for row in p.resume])
    Appraisal.objects.bulk_create([row for p in plans for row in p.appraisals])
    FamilyMember.objects.bulk_create([row for p in plans for row in p.family])
    photos_new: list[Photo] = []
    photos_changed: list[Photo] = []
    for p in plans:
        if "photo" not in p.keys or p.record.photo is None:
            continue
        content_type = p.record.photo_content_type or "image/jpeg"
        current = None
        if not p.created:
            try:
                current = p.cadre.photo
            except Photo.DoesNotExist:
                current = None
        if current is None:
            photos_new.append(Photo(cadre=p.cadre, data=p.record.photo, content_type=content_type))
        else:
            current.data, current.content_type = p.record.photo, content_type
            photos_changed.append(current)
    Photo.objects.bulk_create(photos_new)
    if photos_changed:
        Photo.objects.bulk_update(photos_changed, ["data", "content_type"])
    return [p.cadre for p in plans]
