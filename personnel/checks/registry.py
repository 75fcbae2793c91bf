"""The registry's own checks: local age cut-offs (DOMAIN.md 6.4),
statutory retirement within N months (6.1), avoidance between relatives
and in one's home county (6.4). They read only the registry's tables (and
``personnel_kinship``, the related pairs rebuilt when a run starts).

The pure rules come first (plain values in, a Finding or None out), then
each rule's set-based query over a chunk of cadre ids.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection

from core.checks import CheckSpec, Finding, Located, Policies, PolicyInForce, PolicySpec, Severity, own_findings
from personnel.checks.rotation import LEADERSHIP_LEVELS
from personnel.checks.sql import ACTIVE, BASE, rows
from personnel.models import RetirementCategory
from personnel.policy import RETIREMENT_AGE, RetirementAgePolicy
from personnel.rules import RetirementPolicy, add_months, statutory_retirement_month


class RegistryRule(StrEnum):
    AGE_CUTOFF = "age_cutoff"
    RETIREMENT = "retirement"
    KINSHIP = "kinship"
    HOME_COUNTY = "home_county"


AGE_CUTOFF = "age_cutoff"
RETIREMENT = "retirement"
KINSHIP = "kinship"
HOME_COUNTY = "home_county"


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
    schedules themselves are the retirement_age policy's (personnel.policy)."""

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
        rule=RegistryRule.AGE_CUTOFF,
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
        rule=RegistryRule.RETIREMENT,
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
        rule=RegistryRule.KINSHIP,
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
        rule=RegistryRule.HOME_COUNTY,
        cause_key=f"home:{unit_region_code}",
        severity=Severity.VIOLATION,
        message=(
            f"籍贯（{native_place_code}）与任职地区划代码（{unit_region_code}）相同，"
            f"“{post_title}”不得在本人籍贯地任职（{policy.source}）"
        ),
        facts={"native": native_place_code, "region": unit_region_code, "post": post_title},
    )


# --- the chunk queries ----------------------------------------------------------------


def check_age_cutoff(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[AGE_CUTOFF]
    p: AgeCutoffPolicy = policy.value
    return own_findings(
        (cadre_id, age_cutoff(sex=sex, birth_date=birth, post_level=level, on=on, policy=policy))
        for cadre_id, level, _post_date, _level_date, sex, birth in rows(
            BASE + " AND pl.code = ANY(%s) AND c.birth_date < %s",
            [first, last, list(p.post_levels), max(p.male_born_before, p.female_born_before)],
        )
    )


_CATEGORY_SQL = f"""coalesce(nullif(c.retirement_category, ''),
    CASE c.sex WHEN '1' THEN '{RetirementCategory.MALE.value}' ELSE '{RetirementCategory.FEMALE_CADRE.value}' END)"""
_BASE_OVERRIDE_SQL = "CASE WHEN al.code ~ '^[0-9]+$' THEN al.code::int END"


def check_retirement(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Cadre.retirement_month's logic (personnel.rules with the schedules of
    the retirement_age policy in force at the check date, and the per-person
    NLLB base), for the chunk at once: SQL keeps those old enough to retire
    within the window even with no delay."""
    policy = policies[RETIREMENT]
    p: RetirementAlertPolicy = policy.value
    ages: RetirementAgePolicy = policies[RETIREMENT_AGE].value
    bases = {category.value: ages.schedule(category.value).base_age_years for category in RetirementCategory}
    horizon = add_months(on.replace(day=1), p.within_months + 1)
    sql = f"""
        SELECT c.id, c.birth_date, {_CATEGORY_SQL} AS category, {_BASE_OVERRIDE_SQL} AS base
        FROM personnel_cadre c LEFT JOIN personnel_code al ON al.id = c.age_limit_id
        WHERE c.id BETWEEN %s AND %s AND c.status = '{ACTIVE}'
          AND c.birth_date < %s::date - make_interval(years => coalesce({_BASE_OVERRIDE_SQL},
                CASE {_CATEGORY_SQL} WHEN %s THEN %s WHEN %s THEN %s ELSE %s END))
    """  # noqa: S608 - constants only
    candidates = rows(
        sql,
        [
            first,
            last,
            horizon,
            RetirementCategory.MALE.value,
            bases[RetirementCategory.MALE.value],
            RetirementCategory.FEMALE_CADRE.value,
            bases[RetirementCategory.FEMALE_CADRE.value],
            bases[RetirementCategory.FEMALE_WORKER.value],
        ],
    )
    schedules: dict[tuple[str, int | None], RetirementPolicy] = {}
    found = []
    for cadre_id, birth, category, base in candidates:
        key = (category, base)
        if key not in schedules:
            schedules[key] = ages.schedule(category, base_age_override=base)
        finding = retirement(birth_date=birth, schedule=schedules[key], on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


KINSHIP_SQL = """
    INSERT INTO personnel_kinship (low, high, relation_code, matched_by)
    SELECT DISTINCT ON (least(x, y), greatest(x, y)) least(x, y), greatest(x, y), relation, how
    FROM (
        SELECT r.cadre_id AS x, r.relative_id AS y, rc.code AS relation, 'relation' AS how, 0 AS priority
        FROM personnel_cadrerelation r JOIN personnel_code rc ON rc.id = r.relation_id
        UNION ALL
        SELECT f.cadre_id, y.id, rc.code, 'id_number', 1
        FROM personnel_familymember f
        JOIN personnel_cadre y ON y.id_number = f.id_number
        JOIN personnel_code rc ON rc.id = f.relation_id
        WHERE f.id_number <> '' AND NOT f.is_deceased AND y.id <> f.cadre_id
        UNION ALL
        SELECT f.cadre_id, y.id, rc.code, 'name_birth', 2
        FROM personnel_familymember f
        JOIN personnel_cadre y
          ON y.name = f.name AND date_trunc('month', y.birth_date) = date_trunc('month', f.birth_date)
        JOIN personnel_code rc ON rc.id = f.relation_id
        WHERE f.id_number = '' AND f.birth_date IS NOT NULL AND NOT f.is_deceased AND y.id <> f.cadre_id
          AND (rc.code = ANY(%s)) = (y.sex = '1')
    ) pairs
    ORDER BY least(x, y), greatest(x, y), priority
"""


def rebuild_kinship() -> int:
    """Related pairs of cadres, lower id first, one row per pair (a recorded
    relation wins over an ID-number match, which wins over a name match)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM personnel_kinship")
        cursor.execute(KINSHIP_SQL, [list(MALE_RELATION_CODES)])
        return int(cursor.rowcount)


def check_kinship(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Pairs prepared for the run whose lower id is in the chunk; an alert on
    each of the two, anchored at the lower id."""
    policy = policies[KINSHIP]
    sql = f"""
        SELECT k.low, k.high, k.relation_code, k.matched_by,
               a.name, a.unit_id, ua.name, ua.parent_id, pa.code, a.current_post,
               b.name, b.unit_id, ub.name, ub.parent_id, pb.code, b.current_post
        FROM personnel_kinship k
        JOIN personnel_cadre a ON a.id = k.low
        JOIN personnel_unit ua ON ua.id = a.unit_id
        LEFT JOIN personnel_code pa ON pa.id = a.post_level_id
        JOIN personnel_cadre b ON b.id = k.high
        JOIN personnel_unit ub ON ub.id = b.unit_id
        LEFT JOIN personnel_code pb ON pb.id = b.post_level_id
        WHERE k.low BETWEEN %s AND %s AND a.status = '{ACTIVE}' AND b.status = '{ACTIVE}'
    """  # noqa: S608 - a constant
    found = []
    for row in rows(sql, [first, last]):
        low, high, relation, matched_by = row[:4]
        a = Holder(low, row[4], row[5], row[6], row[7], row[8], row[9])
        b = Holder(high, row[10], row[11], row[12], row[13], row[14], row[15])
        for me, other in ((a, b), (b, a)):
            finding = kinship(me=me, other=other, relation_code=relation, matched_by=matched_by, policy=policy)
            if finding:
                found.append(Located(me.cadre_id, low, finding))
    return found


def check_home_county(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Listed posts (regular expressions, which PostgreSQL's ~ and Python's
    re read alike) held by someone whose 籍贯 is the region of the unit: the
    region code of the nearest unit up the tree that has one."""
    policy = policies[HOME_COUNTY]
    p: HomeCountyPolicy = policy.value
    sql = """
        SELECT c.id, c.native_place_code, pl.code, c.current_post,
               (SELECT r.region_code FROM personnel_unit r
                 WHERE u.path LIKE r.path || '%%' AND r.region_code <> ''
                 ORDER BY length(r.path) DESC LIMIT 1)
        FROM personnel_cadre c
        JOIN personnel_unit u ON u.id = c.unit_id
        JOIN personnel_code pl ON pl.id = c.post_level_id
        WHERE c.id BETWEEN %s AND %s AND c.status = %s AND c.native_place_code <> ''
          -- The level as ids first: the regular expressions then run on leaders only.
          AND c.post_level_id IN (SELECT id FROM personnel_code WHERE "table" = 'ZB09' AND code = ANY(%s))
          AND c.current_post ~ ANY(%s)
    """
    return own_findings(
        (
            cadre_id,
            home_county(
                native_place_code=native,
                unit_region_code=region or "",
                post_level=level,
                post_title=title,
                policy=policy,
            ),
        )
        for cadre_id, native, level, title, region in rows(
            sql, [first, last, ACTIVE, list(p.leadership_levels), list(p.post_patterns)]
        )
    )


# --- declarations ---------------------------------------------------------------------

POLICIES = [
    PolicySpec(
        AGE_CUTOFF,
        "到龄退出领导岗位",
        AgeCutoffPolicy,
        {
            "post_levels": "适用职务层次（ZB09 代码）",
            "male_born_before": "男性：在此日期前出生的退出",
            "female_born_before": "女性：在此日期前出生的退出",
        },
    ),
    PolicySpec(RETIREMENT, "法定退休提前预警", RetirementAlertPolicy, {"within_months": "提前预警（月）"}),
    PolicySpec(
        KINSHIP,
        "亲属任职回避",
        KinshipPolicy,
        {
            "spouse_codes": "夫妻关系（GB4761 代码）",
            "lineal_codes": "直系血亲（GB4761 代码）",
            "collateral_codes": "三代以内旁系血亲（GB4761 代码）",
            "in_law_codes": "近姻亲（GB4761 代码）",
            "sensitive_post_words": "组织人事、纪检监察、审计、财务岗位的职务关键词",
            "leadership_levels": "领导职务层次（ZB09 代码）",
        },
    ),
    PolicySpec(
        HOME_COUNTY,
        "地域回避",
        HomeCountyPolicy,
        {
            "post_patterns": "不得在籍贯地担任的职务（正则表达式，每行一个）",
            "leadership_levels": "领导职务层次（ZB09 代码）",
        },
    ),
]
CHECKS = [
    CheckSpec(RegistryRule.AGE_CUTOFF, "到龄退出领导岗位", AGE_CUTOFF, check_age_cutoff),
    CheckSpec(RegistryRule.RETIREMENT, "即将到达法定退休年龄", RETIREMENT, check_retirement),
    CheckSpec(RegistryRule.KINSHIP, "亲属任职回避", KINSHIP, check_kinship, prepare=rebuild_kinship),
    CheckSpec(RegistryRule.HOME_COUNTY, "地域回避（籍贯）", HOME_COUNTY, check_home_county),
]
