"""The printed 干部任免审批表: every cell of the national form as text, built
from a ParsedRecord. The HTML print page and the .docx document both lay
out these cells, and the LRMX writer fills the same cells, so the three
always say the same thing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from interchange import texts
from interchange.cells import (
    EDUCATION_KINDS,
    EducationCell,
    code_name,
    current_post_text,
    date_text,
    education_cell,
    family_political_text,
    family_relation_text,
    family_unit_text,
    health_text,
    party_text,
    rewards_text,
    tech_title_text,
)
from interchange.parsed import ParsedRecord
from personnel import facts
from personnel.dates import PartialDate
from personnel.models import Sex

# The form has room for this many family rows; fewer are padded with blank rows.
FAMILY_ROWS = 7


@dataclass(frozen=True)
class FamilyRow:
    relation: str
    name: str
    age: str
    political: str
    unit: str


@dataclass
class FormSheet:
    name: str
    sex: str
    birth: str  # 1975.03
    age: str  # （49岁）
    ethnicity: str
    native_place: str
    birthplace: str
    party: str
    work_start: str
    health: str
    tech_title: str
    expertise: str
    full_time: EducationCell
    in_service: EducationCell
    current_post: str
    proposed_post: str
    proposed_removal: str
    resume: list[facts.ResumeLine]
    rewards: str
    appraisals: str
    reason: str
    family: list[FamilyRow]
    reporting_unit: str
    age_reference: str
    filled_by: str
    filled_at: str
    id_number: str
    has_photo: bool
    blank_family_rows: list[int] = field(default_factory=list)

    @property
    def family_rowspan(self) -> int:
        """The 家庭主要成员 label spans the header row and every member row."""
        return len(self.family) + len(self.blank_family_rows) + 1


def _value(partial: PartialDate | None) -> datetime.date | None:
    return partial.value if partial is not None else None


def form_sheet(record: ParsedRecord, *, reference: datetime.date | None = None) -> FormSheet:
    """The cells of the form. Ages are full years at 计算年龄时间 when the
    record has one, else at ``reference`` (default today)."""
    c, p = record.cadre, record.proposed
    age_reference = p.get("age_reference")
    when = age_reference.value if age_reference is not None else (reference or timezone.localdate())
    birth = c.get("birth_date")
    age = f"（{facts.age_at(birth.value, when)}岁）" if birth is not None else ""
    cells = {kind: education_cell(record.educations, kind) for kind, _label in EDUCATION_KINDS}
    family = []
    for member in record.family:
        member_birth = member.get("birth_date")
        member_age = (
            str(facts.age_at(member_birth.value, when))
            if member_birth is not None and not member.get("is_deceased")
            else ""
        )
        family.append(
            FamilyRow(
                relation=family_relation_text(member),
                name=str(member.get("name") or ""),
                age=member_age,
                political=family_political_text(member),
                unit=family_unit_text(member),
            )
        )
    resume = [
        facts.resume_line(
            start_date=entry["start_date"].value,
            end_date=entry["end_date"].value if entry.get("end_date") else None,
            content=str(entry["content"]),
            note=str(entry.get("note") or ""),
        )
        for entry in record.resume
    ]
    return FormSheet(
        name=str(c.get("name") or ""),
        sex={Sex.MALE.value: "男", Sex.FEMALE.value: "女"}.get(str(c.get("sex") or ""), ""),
        birth=facts.year_month(_value(birth)),
        age=age,
        ethnicity=code_name(c.get("ethnicity")),
        native_place=str(c.get("native_place") or ""),
        birthplace=str(c.get("birthplace") or ""),
        party=party_text(record),
        work_start=facts.year_month(_value(c.get("work_start_date"))),
        health=health_text(record),
        tech_title=tech_title_text(record),
        expertise=str(c.get("expertise") or ""),
        full_time=cells["full_time"],
        in_service=cells["in_service"],
        current_post=current_post_text(record),
        proposed_post=str(p.get("proposed_post") or ""),
        proposed_removal=str(p.get("proposed_removal") or ""),
        resume=resume,
        rewards=rewards_text(record),
        appraisals=texts.appraisal_text(record.appraisals) or "无",
        reason=str(p.get("reason") or ""),
        family=family,
        reporting_unit=str(p.get("reporting_unit") or ""),
        age_reference=facts.year_month(age_reference.value) if age_reference else "",
        filled_by=str(p.get("filled_by") or ""),
        filled_at=date_text(p.get("filled_at")),
        id_number=str(c.get("id_number") or ""),
        has_photo=record.photo is not None,
        blank_family_rows=list(range(max(0, FAMILY_ROWS - len(family)))),
    )
