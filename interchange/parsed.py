"""One cadre record in a neutral form, as read from an interchange file
(LRMX, LRM) or from the database (``interchange.from_cadre``). What it
differs in from a stored record is ``interchange.diff``; how it is written,
``interchange.apply``; what the form shows of it, ``interchange.cells``.

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
from dataclasses import dataclass, field
from typing import Any

from personnel.dates import PartialDate, Precision
from personnel.models import (
    Sex,
)

SEX_LABELS = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}
CPC_MEMBER = "01"


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
