"""What the national form shows of a record, cell by cell: the texts the
printed form, the LRMX writer and the import preview share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interchange import texts
from interchange.parsed import ParsedRecord
from personnel import facts
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
    return facts.school_text(entry.get("school") or "", entry.get("major") or "")


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


def education_rows(educations: list[dict[str, Any]]) -> list[facts.EducationRow]:
    """A record's education dicts as the plain rows of personnel.facts (the
    stored entry's id under ``pk`` when there is one)."""
    rows = []
    for entry in educations:
        education, degree = entry.get("education"), entry.get("degree")
        rows.append(
            facts.EducationRow(
                kind=str(entry.get("kind") or ""),
                education=code_name(education),
                level=education.sort_order if education is not None else None,
                degree=code_name(degree),
                school=str(entry.get("school") or ""),
                major=str(entry.get("major") or ""),
                is_highest=bool(entry.get("is_highest")),
                sort_order=int(entry.get("sort_order") or 0),
                id=entry.get("pk"),
            )
        )
    return rows


def education_cell(educations: list[dict[str, Any]], kind: str) -> EducationCell:
    """The row the form shows for one kind of education, as personnel.facts
    defines it for every page and file."""
    shown = facts.shown_education(education_rows(educations), kind)
    if shown is None:
        return EducationCell("", "", "", "")
    return EducationCell(shown.education, shown.degree, shown.school, shown.degree_school)


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


def party_join(record: ParsedRecord) -> facts.PartyJoin:
    status = record.cadre.get("political_status")
    joined = record.cadre.get("party_join_date")
    return facts.party_join(
        join_date=joined.value if joined is not None else None,
        status_code=status.code if status is not None else None,
        status_name=status.name if status is not None else None,
    )


def party_name(record: ParsedRecord) -> str:
    return party_join(record).party_name


def party_text(record: ParsedRecord) -> str:
    """入党时间 as the form prints it (personnel.facts): the year-month, the
    party's name, or both."""
    return party_join(record).text()


def current_post_text(record: ParsedRecord) -> str:
    return str(record.cadre.get("current_post") or "")


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
