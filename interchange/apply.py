"""Writing records: ``apply_records`` writes a batch (``plan_records`` is
what it would write, checked but not saved); ``apply_record`` is the same
write for one record, not a second implementation. Only the cells that
differ (``interchange.diff``) are written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from core.history import history_context
from interchange.cells import EDUCATION_KINDS, education_cell, education_rows
from interchange.diff import SPEC_FIELDS, diff_records
from interchange.from_cadre import (
    cadres_with_records,
    record_from_loaded,
    values_of,
)
from interchange.parsed import (
    APPRAISAL_KEYS,
    EDUCATION_KEYS,
    FAMILY_KEYS,
    RESUME_KEYS,
    ParsedRecord,
)
from personnel import facts, rules
from personnel.access import require_write
from personnel.bulk import CadreWrite, cadres_write
from personnel.dates import PartialDate
from personnel.facts import CPC_CODES, NOT_A_PARTY_NAME
from personnel.models import (
    Appraisal,
    Cadre,
    Code,
    Education,
    FamilyMember,
    ResumeEntry,
    Unit,
)
from personnel.services import name_pinyin

if TYPE_CHECKING:
    from accounts.access import Actor


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


def _education_rows(record: ParsedRecord, kind: str) -> list[dict[str, Any]]:
    return [e for e in record.educations if e.get("kind") == kind]


def _build(model: type[Any], cadre: Cadre, rows: list[dict[str, Any]], keys: Iterable[str]) -> list[Any]:
    allowed = set(keys)
    return [
        model(cadre=cadre, **{k: _model_value(v) for k, v in row.items() if k in allowed and v is not None})
        for row in rows
    ]


def _shown_education_ids(existing: list[Education], kind: str) -> list[int]:
    """The stored entries the form's row of this kind is made of (personnel.facts)."""
    rows = education_rows([{**values_of(e, EDUCATION_KEYS), "pk": e.pk} for e in existing])
    shown = facts.shown_education(rows, kind)
    return [pk for pk in shown.row_ids if pk is not None] if shown is not None else []


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


def _note(problems: dict[str, list[str]], key: str, messages: list[str]) -> None:
    if messages:
        problems.setdefault(key, []).extend(messages)


def _plan_subrecords(planned: _Planned) -> dict[str, list[str]]:
    """Build (not save) the sub-record rows a record writes, and say what is
    wrong with them, by the list's label."""
    record, cadre, keys = planned.record, planned.cadre, planned.keys
    problems: dict[str, list[str]] = {}
    stored = planned.stored
    if "educations" in keys:
        for kind, label in EDUCATION_KINDS:
            if stored is not None and education_cell(stored.educations, kind) == education_cell(
                record.educations, kind
            ):
                continue
            planned.education_kinds.append(kind)
            rows = _build(Education, cadre, _education_rows(record, kind), EDUCATION_KEYS)
            _note(problems, label, _check_rows(rows, label))
            planned.educations.extend(rows)
    if "resume" in keys:
        rows = _build(ResumeEntry, cadre, record.resume, RESUME_KEYS)
        for position, row in enumerate(rows):
            row.sort_order = position
        _note(problems, "简历", _check_rows(rows, "简历"))
        planned.resume = rows
    if "appraisals" in keys:
        notes = {} if planned.created else {a.year: a.note for a in cadre.appraisals.all()}
        rows = _build(Appraisal, cadre, record.appraisals, APPRAISAL_KEYS)
        for row in rows:
            row.note = row.note or notes.get(row.year, "")
        _note(problems, "年度考核结果", _check_rows(rows, "年度考核结果"))
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
        _note(problems, "家庭主要成员及重要社会关系", _check_rows(rows, "家庭主要成员及重要社会关系"))
        planned.family = rows
    return problems


def _field_label(name: str) -> str:
    try:
        return str(Cadre._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:
        return name


class RecordsInvalid(ValidationError):
    """Records that cannot be written; ``problems`` maps each record's source
    to its messages (Chinese), ``by_field`` to the same messages keyed by
    the cadre's field name, or by the sub-record list's label."""

    def __init__(self, problems: dict[str, list[str]], by_field: dict[str, dict[str, list[str]]]) -> None:
        super().__init__([f"{source}：{message}" for source, messages in problems.items() for message in messages])
        self.problems = problems
        self.by_field = by_field


def plan_records(*, unit: Unit, items: Iterable[tuple[ParsedRecord, Cadre | None]]) -> list[_Planned]:
    """What ``apply_records`` would write, built and checked but not saved
    (the import's preview runs this too, to show every problem before the
    user confirms). Raises RecordsInvalid with every problem of every record."""
    plans: list[_Planned] = []
    problems: dict[str, list[str]] = {}
    by_field: dict[str, dict[str, list[str]]] = {}
    for record, cadre in items:
        if record.errors:
            problems[record.source] = [f"{issue.field}：{issue.message}" for issue in record.errors]
            by_field[record.source] = {NON_FIELD_ERRORS: problems[record.source]}
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
        listed = _plan_subrecords(planned)
        messages.extend(m for ms in listed.values() for m in ms)
        if messages:
            problems[record.source] = messages
            by_field[record.source] = {**errors, **listed}
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
                fields = by_field.setdefault(planned.record.source, {})
                fields.setdefault("id_number", []).append(f"{number}已被其他人员使用")
    if problems:
        raise RecordsInvalid(problems, by_field)
    return plans


LIST_KEYS = ("educations", "resume", "appraisals", "family")


def apply_records(*, actor: Actor, unit: Unit, items: Iterable[tuple[ParsedRecord, Cadre | None]]) -> list[Cadre]:
    """The one write of form records, in a fixed number of statements: new
    records become cadres in ``unit``, stored cadres (each loaded through
    ``cadres_with_records`` and locked by the caller, in the caller's
    transaction and history context) are brought in line with their record.
    Only what differs is written, sub-
    record lists that changed are replaced as wholes (what the form does not
    carry is kept), the version is bumped once per changed cadre, nothing
    is written for a record that does not differ. Every record is checked
    before anything is written (RecordsInvalid with every problem); the
    history triggers write their rows as for single writes. The writing is
    personnel's (``personnel.bulk.cadres_write``); this plans it."""
    plans = plan_records(unit=unit, items=items)
    return cadres_write(actor=actor, unit=unit, writes=[_write_of(p) for p in plans])


# The sub-record lists a record replaces as wholes when they differ.
_LISTS = (("resume", ResumeEntry), ("appraisals", Appraisal), ("family", FamilyMember))


def _write_of(planned: _Planned) -> CadreWrite:
    """What personnel's batched write needs of a plan: the changed cadre
    fields, the stored education rows the form's rows replace, the lists
    replaced as wholes and their new rows, the photo."""
    write = CadreWrite(cadre=planned.cadre, created=planned.created, educations=planned.educations)
    if not planned.created:
        write.fields = {name for key in planned.keys & set(SPEC_FIELDS) for name in SPEC_FIELDS[key]}
        if planned.education_kinds:
            existing = list(planned.cadre.educations.all())
            for kind in planned.education_kinds:
                write.drop_educations.extend(_shown_education_ids(existing, kind))
            write.demote_kinds = list(planned.education_kinds)
        write.replaced = {model for key, model in _LISTS if key in planned.keys}
    write.rows = [*planned.resume, *planned.appraisals, *planned.family]
    if "photo" in planned.keys and planned.record.photo is not None:
        write.photo = planned.record.photo
        write.photo_content_type = planned.record.photo_content_type or "image/jpeg"
    return write


@transaction.atomic
def apply_record(*, actor: Actor, record: ParsedRecord, unit: Unit, cadre: Cadre | None = None) -> Cadre:
    """``apply_records`` of one record: create a cadre in ``unit`` from it
    (``cadre`` None) or bring a stored cadre in line with it, writing only
    the cells that differ. Nothing at all is written when nothing differs,
    so an unchanged file leaves no history row.

    It takes the stored cadre's row lock and runs in a history context
    naming ``actor``; a record that cannot be written is a ValidationError
    keyed by field (the cadre's field names, a sub-record list's label),
    with Chinese messages."""
    if record.errors:
        raise ValidationError([f"{issue.field}：{issue.message}" for issue in record.errors])
    stored = None
    if cadre is not None:
        stored = cadres_with_records(Cadre.objects.select_for_update(of=("self",)).filter(pk=cadre.pk)).get()
    target = stored.unit if stored is not None else unit
    require_write(actor, target)
    try:
        with history_context(actor=actor):
            written = apply_records(actor=actor, unit=unit, items=[(record, stored)])
    except RecordsInvalid as exc:
        raise ValidationError(exc.by_field[record.source]) from None
    if not written and stored is not None:
        return stored  # nothing differs (a new record is always written)
    return written[0]
