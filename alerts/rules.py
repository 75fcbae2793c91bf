"""The alert rules (预警规则) as pure functions over plain values.

No ORM here. Each rule takes one candidate's compact facts (read set-based
from the database by ``alerts.engine``) and the policy in force at the check
date, and returns a ``Finding`` (or None when the rule does not apply).
Every number comes from a policy dataclass below, whose defaults are
DOMAIN.md's (sections 6.1, 6.2 and 6.4); the department's administrator
changes them in the browser (``alerts.models.AlertPolicy``).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from personnel.rules import RetirementPolicy, add_months, statutory_retirement_month


class Rule(StrEnum):
    ROTATION_DEPUTY = "rotation_deputy"
    ROTATION_POST = "rotation_post"
    TERM_LIMIT = "term_limit"
    LEVEL_TENURE = "level_tenure"
    AGE_CUTOFF = "age_cutoff"
    RETIREMENT = "retirement"
    KINSHIP = "kinship"
    HOME_COUNTY = "home_county"
    INFLUENCE = "influence"
    PROBATION = "probation"


RULE_LABELS: dict[Rule, str] = {
    Rule.ROTATION_DEPUTY: "副职任职满年限应交流",
    Rule.ROTATION_POST: "任同一职务满年限必须交流",
    Rule.TERM_LIMIT: "同一职务连续任职届满",
    Rule.LEVEL_TENURE: "同一层级任职年限过长",
    Rule.AGE_CUTOFF: "到龄退出领导岗位",
    Rule.RETIREMENT: "即将到达法定退休年龄",
    Rule.KINSHIP: "亲属任职回避",
    Rule.HOME_COUNTY: "地域回避（籍贯）",
    Rule.INFLUENCE: "处分影响期内不得提拔",
    Rule.PROBATION: "试用期即将届满",
}


class Severity(StrEnum):
    NOTICE = "notice"  # something is coming (retirement, probation)
    WARNING = "warning"  # should be acted on
    VIOLATION = "violation"  # a rule is broken now


@dataclass(frozen=True)
class Finding:
    """One alert as a rule raises it. ``cause_key`` tells causes of the same
    rule for the same cadre apart (the relative, the sanction …); ``facts``
    are the numbers behind the message."""

    rule: Rule
    cause_key: str
    severity: Severity
    message: str
    due_date: datetime.date | None = None
    facts: dict[str, Any] = field(default_factory=dict)


# --- periods ----------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months_to_day(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, clipped to the month's
    last day (31 August + 6 months → 28/29 February)."""
    first = add_months(day.replace(day=1), months)
    following = add_months(first, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def years_months_between(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """Whole years and remaining whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    months = max(months, 0)
    return months // 12, months % 12


def span_text(start: datetime.date, end: datetime.date) -> str:
    years, months = years_months_between(start, end)
    if months == 0:
        return f"{years} 年"
    return f"{years} 年 {months} 个月"


def since_text(effective_from: datetime.date) -> str:
    return f"自 {effective_from:%Y-%m-%d} 起"


# --- policies -----------------------------------------------------------------------

LEADERSHIP_LEVELS = ("1A11", "1A12", "1A21", "1A22", "1A31", "1A32", "1A41", "1A42")
DEPUTY_LEVELS = ("1A12", "1A22", "1A32", "1A42")


@dataclass(frozen=True)
class RotationPolicy:
    """交流轮岗 (DOMAIN.md 6.4; seed: *县)."""

    deputy_should_rotate_years: int = 8
    must_rotate_years: int = 10
    term_years: int = 5
    max_consecutive_terms: int = 2
    term_notice_months: int = 6
    level_max_years: int = 15
    leadership_levels: tuple[str, ...] = LEADERSHIP_LEVELS
    deputy_levels: tuple[str, ...] = DEPUTY_LEVELS


@dataclass(frozen=True)
class AgeCutoffPolicy:
    """Local cut-offs by birth date and sex for leaving certain posts
    (DOMAIN.md 6.4: each locality sets its own dates; the defaults are an
    example to be verified against the local document)."""

    post_levels: tuple[str, ...] = ("1A41", "1A42")
    male_born_before: datetime.date = datetime.date(1966, 7, 1)
    female_born_before: datetime.date = datetime.date(1971, 7, 1)


@dataclass(frozen=True)
class RetirementAlertPolicy:
    """Statutory retirement (DOMAIN.md 6.1) within this many months. The
    schedules themselves are personnel.policy's."""

    within_months: int = 12


SPOUSE = "spouse"
LINEAL = "lineal"
COLLATERAL = "collateral"
IN_LAW = "in_law"
KINSHIP_CLASS_LABELS = {SPOUSE: "夫妻关系", LINEAL: "直系血亲", COLLATERAL: "三代以内旁系血亲", IN_LAW: "近姻亲"}


# GB4761 relations whose holder is a man (the rest name women): a family
# record matched to a cadre by name and birth month must agree with the
# cadre's sex, which rules out most namesakes born in the same month.
MALE_RELATION_CODES = (
    "10", "12", "14", "16", "17", "20", "21", "22", "23", "24", "25", "26", "27", "27A", "27B", "27C", "27D",
    "27E", "36", "38", "40", "42", "44", "45", "48", "50", "52", "56", "57", "58", "60", "62", "64", "66", "68",
    "69", "72", "73", "76", "78",
)  # fmt: skip


@dataclass(frozen=True)
class KinshipPolicy:
    """任职回避 between relatives (DOMAIN.md 6.4), with GB4761 codes sorted
    into the four kinds of relation the rule names."""

    spouse_codes: tuple[str, ...] = ("12", "13")
    lineal_codes: tuple[str, ...] = (
        "10", "11", "14", "15", "20", "21", "22", "23", "24", "25", "26", "28", "29", "30", "31", "32", "33",
        "33A", "35", "36", "37", "38", "39", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53",
    )  # fmt: skip
    collateral_codes: tuple[str, ...] = (
        "16", "17", "18", "19", "58", "60", "62", "65", "67", "68", "69", "70", "71", "72", "73", "74", "75",
        "76", "77", "78", "79",
    )  # fmt: skip
    in_law_codes: tuple[str, ...] = (
        "27", "27A", "27B", "27C", "27D", "27E", "34", "34A", "34B", "34C", "34D", "34E", "40", "41", "42", "43",
        "54", "55", "56", "57", "59", "61", "63", "64", "66",
    )  # fmt: skip
    # Words in a post title that make it a personnel, discipline, audit or
    # finance post (组织人事、纪检监察、审计、财务).
    sensitive_post_words: tuple[str, ...] = ("人事", "组织", "纪检", "纪委", "监察", "审计", "财务", "会计")
    leadership_levels: tuple[str, ...] = LEADERSHIP_LEVELS

    def kinship_class(self, relation_code: str) -> str | None:
        for kind, codes in (
            (SPOUSE, self.spouse_codes),
            (LINEAL, self.lineal_codes),
            (COLLATERAL, self.collateral_codes),
            (IN_LAW, self.in_law_codes),
        ):
            if relation_code in codes:
                return kind
        return None


@dataclass(frozen=True)
class HomeCountyPolicy:
    """Posts not held in one's home county (籍贯, DOMAIN.md 6.4): county
    party secretary, county head, the heads of the discipline commission,
    organization department, court, procuratorate and police. Each pattern
    is a regular expression matched against the current post title."""

    post_patterns: tuple[str, ...] = (
        r"[县区市]委书记$",
        r"(^|[^副])[县区市]长$",
        r"[县区市]纪委书记|[县区市]监委主任",
        r"组织部部长",
        r"人民法院院长",
        r"人民检察院检察长",
        r"公安局局长|公安局长",
    )
    leadership_levels: tuple[str, ...] = LEADERSHIP_LEVELS


class InfluenceKind(StrEnum):
    ADMONISHMENT = "admonishment"
    GOV_WARNING = "gov_warning"
    GOV_DEMERIT = "gov_demerit"
    GOV_MAJOR_DEMERIT = "gov_major_demerit"
    GOV_DEMOTION = "gov_demotion"
    GOV_DISMISSAL = "gov_dismissal"
    PARTY_WARNING = "party_warning"
    PARTY_SERIOUS_WARNING = "party_serious_warning"


INFLUENCE_LABELS: dict[InfluenceKind, str] = {
    InfluenceKind.ADMONISHMENT: "诫勉",
    InfluenceKind.GOV_WARNING: "政务处分·警告",
    InfluenceKind.GOV_DEMERIT: "政务处分·记过",
    InfluenceKind.GOV_MAJOR_DEMERIT: "政务处分·记大过",
    InfluenceKind.GOV_DEMOTION: "政务处分·降级",
    InfluenceKind.GOV_DISMISSAL: "政务处分·撤职",
    InfluenceKind.PARTY_WARNING: "党纪处分·警告",
    InfluenceKind.PARTY_SERIOUS_WARNING: "党纪处分·严重警告",
}


@dataclass(frozen=True)
class InfluencePolicy:
    """影响期 in months during which promotion is barred (DOMAIN.md 6.2)."""

    admonishment: int = 6
    gov_warning: int = 6
    gov_demerit: int = 12
    gov_major_demerit: int = 18
    gov_demotion: int = 24
    gov_dismissal: int = 24
    party_warning: int = 12
    party_serious_warning: int = 18

    def months_for(self, kind: str) -> int:
        value: int = getattr(self, InfluenceKind(kind).value)
        return value


@dataclass(frozen=True)
class ProbationPolicy:
    """试用期 (DOMAIN.md 6.2): one year; alert when it ends within N days.
    Applies to the ZB09 试用期人员 level (new civil servants)."""

    probation_months: int = 12
    notice_days: int = 30
    levels: tuple[str, ...] = ("1A98",)


class PolicyKey(StrEnum):
    ROTATION = "rotation"
    AGE_CUTOFF = "age_cutoff"
    RETIREMENT = "retirement"
    KINSHIP = "kinship"
    HOME_COUNTY = "home_county"
    INFLUENCE = "influence"
    PROBATION = "probation"


POLICY_CLASSES: dict[PolicyKey, type[Any]] = {
    PolicyKey.ROTATION: RotationPolicy,
    PolicyKey.AGE_CUTOFF: AgeCutoffPolicy,
    PolicyKey.RETIREMENT: RetirementAlertPolicy,
    PolicyKey.KINSHIP: KinshipPolicy,
    PolicyKey.HOME_COUNTY: HomeCountyPolicy,
    PolicyKey.INFLUENCE: InfluencePolicy,
    PolicyKey.PROBATION: ProbationPolicy,
}
POLICY_LABELS: dict[PolicyKey, str] = {
    PolicyKey.ROTATION: "交流轮岗年限",
    PolicyKey.AGE_CUTOFF: "到龄退出领导岗位",
    PolicyKey.RETIREMENT: "法定退休提前预警",
    PolicyKey.KINSHIP: "亲属任职回避",
    PolicyKey.HOME_COUNTY: "地域回避",
    PolicyKey.INFLUENCE: "处分影响期",
    PolicyKey.PROBATION: "试用期",
}
RULE_POLICY: dict[Rule, PolicyKey] = {
    Rule.ROTATION_DEPUTY: PolicyKey.ROTATION,
    Rule.ROTATION_POST: PolicyKey.ROTATION,
    Rule.TERM_LIMIT: PolicyKey.ROTATION,
    Rule.LEVEL_TENURE: PolicyKey.ROTATION,
    Rule.AGE_CUTOFF: PolicyKey.AGE_CUTOFF,
    Rule.RETIREMENT: PolicyKey.RETIREMENT,
    Rule.KINSHIP: PolicyKey.KINSHIP,
    Rule.HOME_COUNTY: PolicyKey.HOME_COUNTY,
    Rule.INFLUENCE: PolicyKey.INFLUENCE,
    Rule.PROBATION: PolicyKey.PROBATION,
}


def policy_defaults(key: PolicyKey) -> dict[str, Any]:
    """The DOMAIN.md defaults of a policy as JSON-ready values."""
    return policy_to_params(POLICY_CLASSES[key]())


def policy_to_params(policy: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for f in dataclasses.fields(policy):
        value = getattr(policy, f.name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        params[f.name] = value
    return params


def policy_from_params(key: PolicyKey, params: Mapping[str, Any]) -> Any:
    """A policy dataclass from stored JSON; missing values keep the default
    (so a policy row written before a new parameter existed still works)."""
    cls = POLICY_CLASSES[key]
    defaults = cls()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in params:
            continue
        default = getattr(defaults, f.name)
        raw = params[f.name]
        if isinstance(default, datetime.date):
            values[f.name] = datetime.date.fromisoformat(str(raw))
        elif isinstance(default, tuple):
            values[f.name] = tuple(str(item) for item in raw)
        elif isinstance(default, int):
            values[f.name] = int(raw)
        else:
            values[f.name] = raw
    return cls(**values)


@dataclass(frozen=True)
class PolicyInForce:
    """A policy with the row it came from, for the explanation."""

    key: PolicyKey
    value: Any
    effective_from: datetime.date
    version_id: int | None = None

    @property
    def source(self) -> str:
        return f"政策：{POLICY_LABELS[self.key]}，{since_text(self.effective_from)}"


# --- rotation (DOMAIN.md 6.4) -------------------------------------------------------


def rotation_deputy(
    *, post_level: str | None, post_date: datetime.date | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """A deputy (副职) in the same post for ``deputy_should_rotate_years``
    or more should rotate. The anyone-≥10-years rule takes over once it
    applies, so the two never fire together."""
    p: RotationPolicy = policy.value
    if post_level not in p.deputy_levels or post_date is None:
        return None
    due = add_years(post_date, p.deputy_should_rotate_years)
    if on < due or on >= add_years(post_date, p.must_rotate_years):
        return None
    return Finding(
        rule=Rule.ROTATION_DEPUTY,
        cause_key=f"post:{post_date.isoformat()}",
        severity=Severity.WARNING,
        message=(
            f"副职任现职 {span_text(post_date, on)}，满 {p.deputy_should_rotate_years} 年应当交流（{policy.source}）"
        ),
        due_date=due,
        facts={"post_date": post_date.isoformat(), "years": p.deputy_should_rotate_years, "level": post_level},
    )


def rotation_post(
    *, post_level: str | None, post_date: datetime.date | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """Anyone in the same leadership post for ``must_rotate_years`` or more
    must rotate."""
    p: RotationPolicy = policy.value
    if post_level not in p.leadership_levels or post_date is None:
        return None
    due = add_years(post_date, p.must_rotate_years)
    if on < due:
        return None
    return Finding(
        rule=Rule.ROTATION_POST,
        cause_key=f"post:{post_date.isoformat()}",
        severity=Severity.VIOLATION,
        message=f"任现职 {span_text(post_date, on)}，超过 {p.must_rotate_years} 年必须交流（{policy.source}）",
        due_date=due,
        facts={"post_date": post_date.isoformat(), "years": p.must_rotate_years, "level": post_level},
    )


def term_limit(
    *, post_level: str | None, post_date: datetime.date | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """The same post is not held for more than ``max_consecutive_terms``
    terms of ``term_years``: warn ``term_notice_months`` before the last
    allowed term ends (after that the must-rotate rule speaks)."""
    p: RotationPolicy = policy.value
    if post_level not in p.leadership_levels or post_date is None:
        return None
    end = add_years(post_date, p.term_years * p.max_consecutive_terms)
    if not add_months_to_day(end, -p.term_notice_months) <= on < end:
        return None
    return Finding(
        rule=Rule.TERM_LIMIT,
        cause_key=f"post:{post_date.isoformat()}",
        severity=Severity.WARNING,
        message=(
            f"任现职已满 {span_text(post_date, on)}，连续 {p.max_consecutive_terms} 个任期（每届 {p.term_years} 年）"
            f"将于 {end:%Y-%m-%d} 届满，不得再连任（{policy.source}）"
        ),
        due_date=end,
        facts={"post_date": post_date.isoformat(), "terms": p.max_consecutive_terms, "term_years": p.term_years},
    )


def level_tenure(
    *, post_level: str | None, level_date: datetime.date | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """The same post level not for more than ``level_max_years`` in total."""
    p: RotationPolicy = policy.value
    if post_level not in p.leadership_levels or level_date is None:
        return None
    due = add_years(level_date, p.level_max_years)
    if on < due:
        return None
    return Finding(
        rule=Rule.LEVEL_TENURE,
        cause_key=f"level:{post_level}:{level_date.isoformat()}",
        severity=Severity.WARNING,
        message=(
            f"任同级职务 {span_text(level_date, on)}，同一层级累计不超过 {p.level_max_years} 年（{policy.source}）"
        ),
        due_date=due,
        facts={"level_date": level_date.isoformat(), "years": p.level_max_years, "level": post_level},
    )


# --- age (DOMAIN.md 6.1, 6.4) ---------------------------------------------------------


def age_cutoff(
    *, sex: str, birth_date: datetime.date, post_level: str | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """Men born before one date and women born before another leave the
    listed leadership post levels (a local rule)."""
    p: AgeCutoffPolicy = policy.value
    if post_level not in p.post_levels:
        return None
    cutoff = p.male_born_before if sex == "1" else p.female_born_before
    if birth_date >= cutoff:
        return None
    who = "男" if sex == "1" else "女"
    return Finding(
        rule=Rule.AGE_CUTOFF,
        cause_key=f"cutoff:{post_level}",
        severity=Severity.WARNING,
        message=(f"{who}，{birth_date:%Y.%m} 出生，早于 {cutoff:%Y-%m-%d}，应退出现任领导岗位（{policy.source}）"),
        due_date=on,
        facts={"birth_date": birth_date.isoformat(), "cutoff": cutoff.isoformat(), "level": post_level},
    )


def retirement(
    *, birth_date: datetime.date, schedule: RetirementPolicy, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """Statutory retirement (the 2025 reform, per-person base age) falls
    within ``within_months`` months of the check date, or has passed."""
    p: RetirementAlertPolicy = policy.value
    month = statutory_retirement_month(birth_date, schedule)
    horizon = add_months(on.replace(day=1), p.within_months)
    if month > horizon:
        return None
    months_left = (month.year - on.year) * 12 + (month.month - on.month)
    if months_left < 0:
        when = f"已于 {month:%Y 年 %m 月} 到达法定退休年龄"
        severity = Severity.VIOLATION
    elif months_left == 0:
        when = f"本月（{month:%Y 年 %m 月}）到达法定退休年龄"
        severity = Severity.WARNING
    else:
        when = f"将于 {month:%Y 年 %m 月} 到达法定退休年龄（还有 {months_left} 个月）"
        severity = Severity.NOTICE
    return Finding(
        rule=Rule.RETIREMENT,
        cause_key=f"retire:{month:%Y-%m}",
        severity=severity,
        message=(
            f"{when}，原退休年龄 {schedule.base_age_years} 周岁，按渐进式延迟退休办法计算；"
            f"提前 {p.within_months} 个月预警（{policy.source}）"
        ),
        due_date=month,
        facts={"retirement_month": f"{month:%Y-%m}", "base_age": schedule.base_age_years, "months_left": months_left},
    )


# --- avoidance (DOMAIN.md 6.4) --------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Where one cadre of a related pair serves now."""

    cadre_id: int
    name: str
    unit_id: int
    unit_name: str
    unit_parent_id: int | None
    post_level: str | None
    post_title: str


def _is_leader(holder: Holder, policy: KinshipPolicy) -> bool:
    return holder.post_level in policy.leadership_levels


def _sensitive(holder: Holder, policy: KinshipPolicy) -> bool:
    return any(word in holder.post_title for word in policy.sensitive_post_words)


def kinship_conflict(a: Holder, b: Holder, relation_code: str, policy: KinshipPolicy) -> str | None:
    """How two relatives' posts breach avoidance, or None:
    ``same_team`` both in one unit's leadership team; ``sensitive`` one in a
    personnel/discipline/audit/finance post of the unit the other leads;
    ``superior`` one leads the unit the other works in, or the unit
    directly above the other's unit."""
    if policy.kinship_class(relation_code) is None:
        return None
    a_leads, b_leads = _is_leader(a, policy), _is_leader(b, policy)
    if a_leads and b_leads and a.unit_id == b.unit_id:
        return "same_team"
    for leader, other, other_leads in ((a, b, b_leads), (b, a, a_leads)):
        if not _is_leader(leader, policy):
            continue
        if other.unit_id == leader.unit_id and not other_leads and _sensitive(other, policy):
            return "sensitive"
    for leader, other, other_leads in ((a, b, b_leads), (b, a, a_leads)):
        if not _is_leader(leader, policy):
            continue
        if other.unit_id == leader.unit_id and not other_leads:
            return "superior"
        if other.unit_parent_id == leader.unit_id:
            return "superior"
    return None


CONFLICT_LABELS = {
    "same_team": "在同一领导班子任职",
    "sensitive": "一方在另一方任领导的单位从事组织人事、纪检监察、审计或财务工作",
    "superior": "存在直接上下级领导关系",
}
MATCH_LABELS = {
    "id_number": "家庭成员记录的公民身份号码",
    "name_birth": "家庭成员记录的姓名和出生年月（无身份号码）",
    "relation": "干部亲属关系登记",
}


def kinship(*, me: Holder, other: Holder, relation_code: str, matched_by: str, policy: PolicyInForce) -> Finding | None:
    """The alert on ``me`` for a relative ``other`` in a conflicting post."""
    p: KinshipPolicy = policy.value
    conflict = kinship_conflict(me, other, relation_code, p)
    if conflict is None:
        return None
    kind = p.kinship_class(relation_code) or ""
    return Finding(
        rule=Rule.KINSHIP,
        cause_key=f"kin:{other.cadre_id}",
        severity=Severity.VIOLATION if conflict != "superior" else Severity.WARNING,
        message=(
            f"与{other.name}（{other.unit_name}{other.post_title and '·' + other.post_title}）"
            f"属{KINSHIP_CLASS_LABELS[kind]}，{CONFLICT_LABELS[conflict]}，应当任职回避；"
            f"依据{MATCH_LABELS.get(matched_by, matched_by)}匹配（{policy.source}）"
        ),
        facts={"other": other.cadre_id, "relation": relation_code, "class": kind, "conflict": conflict},
    )


def home_county(
    *,
    native_place_code: str,
    unit_region_code: str,
    post_level: str | None,
    post_title: str,
    policy: PolicyInForce,
) -> Finding | None:
    """A listed principal post held in the county one comes from."""
    p: HomeCountyPolicy = policy.value
    if not native_place_code or native_place_code != unit_region_code or post_level not in p.leadership_levels:
        return None
    if not any(re.search(pattern, post_title) for pattern in p.post_patterns):
        return None
    return Finding(
        rule=Rule.HOME_COUNTY,
        cause_key=f"home:{unit_region_code}",
        severity=Severity.VIOLATION,
        message=(
            f"籍贯（{native_place_code}）与任职地区划代码（{unit_region_code}）相同，"
            f"“{post_title}”不得在本人籍贯地任职（{policy.source}）"
        ),
        facts={"native": native_place_code, "region": unit_region_code, "post": post_title},
    )


# --- influence periods (DOMAIN.md 6.2) ------------------------------------------------


def influence(
    *, record_id: int, kind: str, decided_on: datetime.date, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """Promotion is barred from the decision until the period ends (the
    end day itself is free)."""
    p: InfluencePolicy = policy.value
    months = p.months_for(kind)
    end = add_months_to_day(decided_on, months)
    if not decided_on <= on < end:
        return None
    label = INFLUENCE_LABELS[InfluenceKind(kind)]
    return Finding(
        rule=Rule.INFLUENCE,
        cause_key=f"influence:{record_id}",
        severity=Severity.WARNING,
        message=(
            f"{decided_on:%Y-%m-%d} 受{label}，影响期 {months} 个月，至 {end:%Y-%m-%d} 止，期间不得提拔或者重用"
            f"（{policy.source}）"
        ),
        due_date=end,
        facts={"record": record_id, "kind": kind, "months": months, "end": end.isoformat()},
    )


# --- probation (DOMAIN.md 6.2) --------------------------------------------------------


def probation(
    *, post_level: str | None, start: datetime.date | None, on: datetime.date, policy: PolicyInForce
) -> Finding | None:
    """A probation ends within ``notice_days`` days (or has ended without
    the cadre leaving the probation level)."""
    p: ProbationPolicy = policy.value
    if post_level not in p.levels or start is None:
        return None
    end = add_months_to_day(start, p.probation_months)
    days_left = (end - on).days
    if days_left > p.notice_days:
        return None
    when = (
        f"已于 {end:%Y-%m-%d} 届满，尚未转正定级"
        if days_left < 0
        else f"将于 {end:%Y-%m-%d} 届满（还有 {days_left} 天）"
    )
    return Finding(
        rule=Rule.PROBATION,
        cause_key=f"probation:{start.isoformat()}",
        severity=Severity.VIOLATION if days_left < 0 else Severity.NOTICE,
        message=(
            f"试用期 {p.probation_months} 个月，自 {start:%Y-%m-%d} 起，{when}；"
            f"提前 {p.notice_days} 天预警（{policy.source}）"
        ),
        due_date=end,
        facts={"start": start.isoformat(), "end": end.isoformat(), "days_left": days_left},
    )
