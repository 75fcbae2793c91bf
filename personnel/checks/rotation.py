"""Rotation and term limits (交流轮岗, DOMAIN.md 6.4): a deputy 8 years in
one post should rotate, anyone 10 years must, two 5-year terms, 15 years
at one level.

These rules belong to the rotation/ app of the design (appointment orders,
exchanges, rotation plans); it does not exist yet, so they live here, with
the registry whose post dates they read. When rotation/ is created it takes
this module over whole (policy, rules, chunk queries, declarations) and
registers it from its own ``AppConfig.ready()``; rule codes and the policy
key stay, so stored alerts and policy versions keep their meaning.

The pure rules come first (plain values in, a Finding or None out), then
each rule's set-based query over a chunk of cadre ids.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from core.checks import CheckSpec, Finding, Located, Policies, PolicyInForce, PolicySpec, Severity, own_findings
from personnel.checks.sql import BASE, rows, years_before
from personnel.rules import add_months_to_day, add_years, span_text

LEADERSHIP_LEVELS = ("1A11", "1A12", "1A21", "1A22", "1A31", "1A32", "1A41", "1A42")
DEPUTY_LEVELS = ("1A12", "1A22", "1A32", "1A42")
POLICY = "rotation"


class RotationRule(StrEnum):
    ROTATION_DEPUTY = "rotation_deputy"
    ROTATION_POST = "rotation_post"
    TERM_LIMIT = "term_limit"
    LEVEL_TENURE = "level_tenure"


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


PARAM_LABELS = {
    "deputy_should_rotate_years": "副职任同一职务满（年）应交流",
    "must_rotate_years": "任同一职务满（年）必须交流",
    "term_years": "每届任期（年）",
    "max_consecutive_terms": "同一职务最多连任（届）",
    "term_notice_months": "任期届满前预警（月）",
    "level_max_years": "同一层级累计不超过（年）",
    "leadership_levels": "领导职务层次（ZB09 代码）",
    "deputy_levels": "副职职务层次（ZB09 代码）",
}


# --- the pure rules -------------------------------------------------------------------


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
        rule=RotationRule.ROTATION_DEPUTY,
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
        rule=RotationRule.ROTATION_POST,
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
        rule=RotationRule.TERM_LIMIT,
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
        rule=RotationRule.LEVEL_TENURE,
        cause_key=f"level:{post_level}:{level_date.isoformat()}",
        severity=Severity.WARNING,
        message=(
            f"任同级职务 {span_text(level_date, on)}，同一层级累计不超过 {p.level_max_years} 年（{policy.source}）"
        ),
        due_date=due,
        facts={"level_date": level_date.isoformat(), "years": p.level_max_years, "level": post_level},
    )


# --- the chunk queries ----------------------------------------------------------------


def check_rotation_deputy(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[POLICY]
    p: RotationPolicy = policy.value
    return own_findings(
        (cadre_id, rotation_deputy(post_level=level, post_date=post_date, on=on, policy=policy))
        for cadre_id, level, post_date, _level_date, _sex, _birth in rows(
            BASE + " AND pl.code = ANY(%s) AND c.current_post_date <= %s AND c.current_post_date > %s",
            [
                first,
                last,
                list(p.deputy_levels),
                years_before(on, p.deputy_should_rotate_years),
                add_years(on, -p.must_rotate_years) - datetime.timedelta(days=1),
            ],
        )
    )


def check_rotation_post(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[POLICY]
    p: RotationPolicy = policy.value
    return own_findings(
        (cadre_id, rotation_post(post_level=level, post_date=post_date, on=on, policy=policy))
        for cadre_id, level, post_date, _level_date, _sex, _birth in rows(
            BASE + " AND pl.code = ANY(%s) AND c.current_post_date <= %s",
            [first, last, list(p.leadership_levels), years_before(on, p.must_rotate_years)],
        )
    )


def check_term_limit(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[POLICY]
    p: RotationPolicy = policy.value
    span = p.term_years * p.max_consecutive_terms
    # Terms end between now and the notice period from now (with slack).
    latest = add_months_to_day(add_years(on, -span), p.term_notice_months) + datetime.timedelta(days=2)
    earliest = add_years(on, -span) - datetime.timedelta(days=2)
    return own_findings(
        (cadre_id, term_limit(post_level=level, post_date=post_date, on=on, policy=policy))
        for cadre_id, level, post_date, _level_date, _sex, _birth in rows(
            BASE + " AND pl.code = ANY(%s) AND c.current_post_date BETWEEN %s AND %s",
            [first, last, list(p.leadership_levels), earliest, latest],
        )
    )


def check_level_tenure(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[POLICY]
    p: RotationPolicy = policy.value
    return own_findings(
        (cadre_id, level_tenure(post_level=level, level_date=level_date, on=on, policy=policy))
        for cadre_id, level, _post_date, level_date, _sex, _birth in rows(
            BASE + " AND pl.code = ANY(%s) AND c.post_level_date <= %s",
            [first, last, list(p.leadership_levels), years_before(on, p.level_max_years)],
        )
    )


# --- declarations ---------------------------------------------------------------------

POLICIES = [PolicySpec(POLICY, "交流轮岗年限", RotationPolicy, PARAM_LABELS)]
CHECKS = [
    CheckSpec(RotationRule.ROTATION_DEPUTY, "副职任职满年限应交流", POLICY, check_rotation_deputy),
    CheckSpec(RotationRule.ROTATION_POST, "任同一职务满年限必须交流", POLICY, check_rotation_post),
    CheckSpec(RotationRule.TERM_LIMIT, "同一职务连续任职届满", POLICY, check_term_limit),
    CheckSpec(RotationRule.LEVEL_TENURE, "同一层级任职年限过长", POLICY, check_level_tenure),
]
