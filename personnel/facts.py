"""The one definition of every fact derived from a cadre's record: the
highest education of each kind (全日制 / 在职) and overall, the 入党时间
text, age, years in post, the statutory retirement month, the 简历 lines and
the 现任职务 text.

Every page, export, printed form and file shows these through this module,
so the same person reads the same everywhere (issue 10). The definitions
are pure functions over plain values (dates, strings, small dataclasses);
``educations_for`` is the one batched read they need, two queries for any
number of cadres, fast enough for the 100,000-row roster export.

The rules, and where they come from:

- Highest education of a kind (the 全日制教育 / 在职教育 rows of the national
  form, DOMAIN.md 3): the entry flagged highest (A0834 in the exchange
  packages, DOMAIN.md 5); else the highest ZB64 level (the code table is
  ordered from the highest down, DOMAIN.md 4); a tie goes to the later
  entry; entries without a 学历 only when there is nothing else. Its 学位
  is the entry's own, else that of a degree-only entry of the same kind
  (how LRMX carries a degree earned at another school); 毕业院校系及专业 is
  the school followed by the major unless the school already names it.
- Highest education overall: the higher ZB64 level of the two kinds, the
  full-time one on a tie.
- 入党时间 (DOMAIN.md 3, 5): the year-month of joining; for 党外干部 the name
  of their party (every GB4762 status but 中共党员, 预备党员, 共青团员 and 群众);
  both, separated by "；", when the record has both.
- Age and years in post: full years at a reference date (DOMAIN.md 6.1).
- Statutory retirement month: the 2025 reform (personnel.rules with the
  schedules of personnel.policy); the base age is the NLLB code's when it
  is a number of years, else the retirement category's, else by sex.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

from personnel import rules
from personnel.policy import retirement_policy

FULL_TIME = "full_time"
IN_SERVICE = "in_service"
EDUCATION_KINDS = (FULL_TIME, IN_SERVICE)

# --- dates ---------------------------------------------------------------------------


def year_month(value: datetime.date | None) -> str:
    """A year-month the way the national form writes it: ``1985.03``."""
    return f"{value:%Y.%m}" if value is not None else ""


def age_at(birth_date: datetime.date, when: datetime.date) -> int:
    """Age in full years at a reference date (计算年龄时间)."""
    return rules.age_at(birth_date, when)


def years_since(start: datetime.date | None, when: datetime.date) -> int | None:
    """Full years from ``start`` (任现职时间, 任同级职务时间, 参加工作时间) to ``when``."""
    return rules.full_years_between(start, when) if start is not None else None


def years_in_post(current_post_date: datetime.date | None, when: datetime.date) -> int | None:
    """任现职年限: full years since 任现职时间."""
    return years_since(current_post_date, when)


# --- retirement ----------------------------------------------------------------------


def retirement_category(*, sex: str, category: str) -> str:
    """The retirement schedule that applies: the recorded category, else the
    default for the sex (men 60, women cadres 55)."""
    return category or ("male" if sex == "1" else "female_cadre")


def age_limit_base(age_limit_code: str | None) -> int | None:
    """The personal base age an NLLB code gives (60, 63, 65 …); None for a
    code that is not a number of years (-1 已到龄人员) or no code."""
    code = (age_limit_code or "").strip()
    return int(code) if code.isdigit() else None


def retirement_month(
    *, birth_date: datetime.date, sex: str, category: str = "", age_limit_code: str | None = None
) -> datetime.date:
    """The statutory retirement month (its first day) under the 2025 reform."""
    policy = retirement_policy(
        retirement_category(sex=sex, category=category), base_age_override=age_limit_base(age_limit_code)
    )
    return rules.statutory_retirement_month(birth_date, policy)


# --- 入党时间 --------------------------------------------------------------------------

# GB4762 codes of the Communist Party of China: 01 中共党员 and 02 预备党员 (a
# probationary member already belongs to the Party).
CPC_CODES = frozenset({"01", "02"})
# GB4762 codes that name no party in the 入党时间 cell: the CPC, the Youth
# League (03) and the masses (13). Every other status is a party whose name
# the cell shows (民盟, 九三 …, 无党派).
NOT_A_PARTY_NAME = CPC_CODES | {"03", "13"}


@dataclass(frozen=True)
class PartyJoin:
    """What the 入党时间 cell says: a date, a party name, or both."""

    date: datetime.date | None
    party_name: str

    def text(self, date_format: str = "%Y.%m") -> str:
        """The cell as printed (``2006.07``, ``民盟``, ``2006.07；民盟``); LRMX
        writes the date as ``%Y%m``."""
        parts = [f"{self.date:{date_format}}"] if self.date is not None else []
        if self.party_name:
            parts.append(self.party_name)
        return "；".join(parts)


def party_name(status_code: str | None, status_name: str | None) -> str:
    """The party a political status names in the 入党时间 cell ("" for CPC
    members, League members, the masses and no status)."""
    if not status_code or status_code in NOT_A_PARTY_NAME:
        return ""
    return status_name or ""


def party_join(
    *, join_date: datetime.date | None, status_code: str | None = None, status_name: str | None = None
) -> PartyJoin:
    return PartyJoin(join_date, party_name(status_code, status_name))


# --- education -------------------------------------------------------------------------


class EducationRow(NamedTuple):
    """One education entry as plain values. ``level`` is the ZB64 code's
    sort order (smaller is higher), None without a 学历. (Named tuples: the
    roster export builds one for each of 100,000 people.)"""

    kind: str
    education: str = ""
    level: int | None = None
    degree: str = ""
    school: str = ""
    major: str = ""
    is_highest: bool = False
    sort_order: int = 0
    id: int | None = None
    education_id: int | None = None
    degree_id: int | None = None


class ShownEducation(NamedTuple):
    """The education a record shows for one kind: 学历 and 学位 with their
    schools, and which entries they come from."""

    kind: str
    education: str
    level: int | None
    degree: str
    school: str  # 学历's 毕业院校系及专业
    degree_school: str  # 学位's, only when it comes from another entry with another school
    row_id: int | None  # the entry of the 学历 (what a roster row edits)
    education_id: int | None
    degree_id: int | None
    row_ids: tuple[int | None, ...] = ()  # every entry the row is made of

    @property
    def text(self) -> str:
        """学历 and 学位 on one line: ``大学 法学学士``."""
        return f"{self.education} {self.degree}" if self.education and self.degree else self.education or self.degree


def school_text(school: str, major: str) -> str:
    """毕业院校系及专业: the school, then the major unless the school names it."""
    school, major = school or "", major or ""
    return f"{school}{major}" if major and major not in school else school


_BOTTOM = 1 << 30  # below every ZB64 level


def _primary(rows: Sequence[EducationRow]) -> EducationRow:
    flagged = [r for r in rows if r.is_highest]
    pool = [r for r in (flagged or rows) if r.education] or flagged or list(rows)
    if len(pool) == 1:
        return pool[0]
    # Position breaks ties between equal sort orders: the later entry wins.
    ranked = sorted(
        enumerate(pool), key=lambda p: (_BOTTOM if p[1].level is None else p[1].level, -p[1].sort_order, -p[0])
    )
    return ranked[0][1]


def _shown(kind: str, rows: Sequence[EducationRow]) -> ShownEducation:
    primary = rows[0] if len(rows) == 1 else _primary(rows)
    school = school_text(primary.school, primary.major)
    degree_row = None
    if len(rows) > 1 and primary.education and not primary.degree:
        degree_row = next((r for r in rows if r is not primary and not r.education and r.degree), None)
    if degree_row is None:
        return ShownEducation(
            kind,
            primary.education,
            primary.level,
            primary.degree,
            school,
            "",
            primary.id,
            primary.education_id,
            primary.degree_id,
            (primary.id,),
        )
    degree_school = school_text(degree_row.school, degree_row.major)
    return ShownEducation(
        kind,
        primary.education,
        primary.level,
        degree_row.degree,
        school,
        degree_school if degree_school != school else "",
        primary.id,
        primary.education_id,
        degree_row.degree_id,
        (primary.id, degree_row.id),
    )


def shown_education(rows: Iterable[EducationRow], kind: str) -> ShownEducation | None:
    """The education a record shows for one kind (全日制 or 在职), by the rule
    in the module docstring; None when the record has no entry of that kind."""
    of_kind = [r for r in rows if r.kind == kind]
    return _shown(kind, of_kind) if of_kind else None


def shown_educations(rows: Iterable[EducationRow]) -> dict[str, ShownEducation]:
    """The shown education of each kind the record has."""
    by_kind: dict[str, list[EducationRow]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    return {kind: _shown(kind, by_kind[kind]) for kind in EDUCATION_KINDS if kind in by_kind}


def highest_education(shown: Mapping[str, ShownEducation]) -> ShownEducation | None:
    """The highest education overall: the higher ZB64 level of the two kinds'
    shown educations, the full-time one on a tie."""
    candidates = [shown[kind] for kind in EDUCATION_KINDS if kind in shown and shown[kind].education]
    if not candidates:
        return None
    return min(candidates, key=lambda s: s.level if s.level is not None else 1 << 30)


def education_summary(shown: Mapping[str, ShownEducation]) -> str:
    """The roster convention for one 学历 cell: the full-time 学历, and the
    in-service one when it is higher (``大学，在职研究生``)."""
    full_time, in_service = shown.get(FULL_TIME), shown.get(IN_SERVICE)
    parts = [full_time.education] if full_time is not None and full_time.education else []
    if in_service is not None and in_service.education and highest_education(shown) is in_service:
        parts.append(f"在职{in_service.education}")
    return "，".join(parts)


# Plain columns, no joins: the code names and levels come from one small read
# of the two code tables (what makes the 100,000-row roster export fast).
_EDUCATION_SQL = """
    SELECT e.cadre_id, e.kind, e.education_id, e.degree_id, e.school, e.major, e.is_highest, e.sort_order, e.id
    FROM personnel_education e
    WHERE e.cadre_id = ANY(%s::bigint[])
    ORDER BY e.cadre_id, e.kind, e.sort_order, e.id
"""
_CODES_SQL = "SELECT id, name, sort_order FROM personnel_code WHERE \"table\" IN ('ZB64', 'GB6864')"
_NO_CODE = ("", None)


def educations_for(cadre_ids: Sequence[int]) -> dict[int, dict[str, ShownEducation]]:
    """The shown education of each kind for many cadres, in two queries (the
    ids must come from a scoped read); cadres without any are left out."""
    if not cadre_ids:
        return {}
    result: dict[int, dict[str, ShownEducation]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_CODES_SQL)
        codes: dict[int, tuple[str, int | None]] = {pk: (name, order) for pk, name, order in cursor.fetchall()}
        cursor.execute(_EDUCATION_SQL, [list(cadre_ids)])
        group: list[EducationRow] = []
        current: tuple[int, str] | None = None
        for cadre_id, kind, edu_id, deg_id, school, major, highest, order, pk in cursor.fetchall():
            if (cadre_id, kind) != current:
                if current is not None:
                    result.setdefault(current[0], {})[current[1]] = _shown(current[1], group)
                current, group = (cadre_id, kind), []
            education, level = codes.get(edu_id, _NO_CODE) if edu_id is not None else _NO_CODE
            degree = codes.get(deg_id, _NO_CODE)[0] if deg_id is not None else ""
            row = EducationRow(kind, education, level, degree, school, major, highest, order, pk, edu_id, deg_id)
            group.append(row)
        if current is not None:
            result.setdefault(current[0], {})[current[1]] = _shown(current[1], group)
    return result


# --- 简历 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeLine:
    """One line of the 简历 as the form prints it."""

    span: str  # 2015.09--2018.03 (open-ended: 2018.03--)
    text: str  # the content, with its （其间：…） note

    @property
    def line(self) -> str:
        """The line as the LRMX and LRM files carry it."""
        return f"{self.span}  {self.text}"


def resume_line(
    *, start_date: datetime.date, end_date: datetime.date | None, content: str, note: str = ""
) -> ResumeLine:
    text = f"{content}（其间：{note}）" if note else content
    return ResumeLine(f"{year_month(start_date)}--{year_month(end_date)}", text)


# --- 现任职务 ------------------------------------------------------------------------------


def current_post_text(current_post: str, held: Iterable[tuple[str, str]] = ()) -> str:
    """现任职务: the record's own text, else the posts it holds now, each as
    unit and title (``held``: (unit name, title) pairs)."""
    return current_post or "、".join(f"{unit}{title}" for unit, title in held)
