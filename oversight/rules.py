"""Influence periods (影响期, DOMAIN.md 6.2) as pure functions over plain
values: after 诫勉 or a sanction a cadre may not be promoted or given more
important work for a number of months, which come from the policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from core.checks import Finding, PolicyInForce, Severity
from personnel.rules import add_months_to_day

INFLUENCE = "influence"  # the rule code and the policy key


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
        rule=INFLUENCE,
        cause_key=f"influence:{record_id}",
        severity=Severity.WARNING,
        message=(
            f"{decided_on:%Y-%m-%d} 受{label}，影响期 {months} 个月，至 {end:%Y-%m-%d} 止，期间不得提拔或者重用"
            f"（{policy.source}）"
        ),
        due_date=end,
        facts={"record": record_id, "kind": kind, "months": months, "end": end.isoformat()},
    )
