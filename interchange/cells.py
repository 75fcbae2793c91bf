"""What the national form shows of a record, cell by cell: the texts the
printed form, the LRMX writer and the import preview share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interchange import texts
from interchange.parsed import NOT_A_PARTY_NAME, ParsedRecord
from personnel.dates import PartialDate
from personnel.models import (
    Code,
    EducationKind,
    RewardKind,
    Sex,
)


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
