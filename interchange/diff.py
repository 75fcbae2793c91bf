"""What importing a record over a stored one would change, cell by cell
of the national form (``diff_records``), and which model fields each
cell covers (``SPEC_FIELDS``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from interchange import texts
from interchange.cells import (
    age_limit_code,
    code_name,
    date_text,
    education_lines,
    family_line,
    health_text,
    party_name,
    party_text,
    rewards_text,
    tech_title_text,
)
from interchange.parsed import SEX_LABELS, FieldChange, ParsedRecord
from personnel.dates import PartialDate, Precision


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


SPEC_FIELDS = {spec.key: spec.fields for spec in SPECS}
