"""Probation (试用期, DOMAIN.md 6.2): a new civil servant's year of
probation ends within N days, or has ended without the cadre leaving the
probation level.

This rule belongs to the probation appraisal of the appraisal/ app (or the
appointment workflow of selection/) in the design; neither exists yet, so it
lives here, with the registry whose post dates it reads. The app that takes
probation over moves this module whole and registers it from its own
``AppConfig.ready()``; the rule code and policy key stay.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.checks import CheckSpec, Finding, Located, Policies, PolicyInForce, PolicySpec, Severity, own_findings
from personnel.checks.sql import BASE, rows
from personnel.rules import add_months_to_day

PROBATION = "probation"  # the rule code and the policy key


@dataclass(frozen=True)
class ProbationPolicy:
    """试用期 (DOMAIN.md 6.2): one year; alert when it ends within N days.
    Applies to the ZB09 试用期人员 level (new civil servants)."""

    probation_months: int = 12
    notice_days: int = 30
    levels: tuple[str, ...] = ("1A98",)


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
        rule=PROBATION,
        cause_key=f"probation:{start.isoformat()}",
        severity=Severity.VIOLATION if days_left < 0 else Severity.NOTICE,
        message=(
            f"试用期 {p.probation_months} 个月，自 {start:%Y-%m-%d} 起，{when}；"
            f"提前 {p.notice_days} 天预警（{policy.source}）"
        ),
        due_date=end,
        facts={"start": start.isoformat(), "end": end.isoformat(), "days_left": days_left},
    )


def check_probation(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PROBATION]
    p: ProbationPolicy = policy.value
    latest = add_months_to_day(on + datetime.timedelta(days=p.notice_days + 2), -p.probation_months)
    return own_findings(
        (cadre_id, probation(post_level=level, start=level_date or post_date, on=on, policy=policy))
        for cadre_id, level, post_date, level_date, _sex, _birth in rows(
            BASE + " AND pl.code = ANY(%s) AND coalesce(c.post_level_date, c.current_post_date) <= %s",
            [first, last, list(p.levels), latest],
        )
    )


POLICIES = [
    PolicySpec(
        PROBATION,
        "试用期",
        ProbationPolicy,
        {
            "probation_months": "试用期（月）",
            "notice_days": "届满前预警（天）",
            "levels": "试用期人员职务层次（ZB09 代码）",
        },
    )
]
CHECKS = [CheckSpec(PROBATION, "试用期即将届满", PROBATION, check_probation)]
