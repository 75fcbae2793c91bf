"""Influence periods (oversight.rules) at their boundaries: the last
barred day against the end day, for every kind of sanction. Moved from
tests/alerts/test_rules.py with the rule."""

from __future__ import annotations

import datetime

import pytest

from core.checks import PolicyInForce
from oversight.rules import InfluenceKind, InfluencePolicy, influence
from personnel.rules import add_months_to_day

D = datetime.date
SINCE = D(2025, 1, 1)


def policy(key: str, value: object) -> PolicyInForce:
    return PolicyInForce(key=key, value=value, effective_from=SINCE, version_id=1)


# --- influence ------------------------------------------------------------------------

INFLUENCE = policy("influence", InfluencePolicy())


@pytest.mark.parametrize(
    ("kind", "months"),
    [
        (InfluenceKind.ADMONISHMENT, 6),
        (InfluenceKind.GOV_WARNING, 6),
        (InfluenceKind.GOV_DEMERIT, 12),
        (InfluenceKind.GOV_MAJOR_DEMERIT, 18),
        (InfluenceKind.GOV_DEMOTION, 24),
        (InfluenceKind.GOV_DISMISSAL, 24),
        (InfluenceKind.PARTY_WARNING, 12),
        (InfluenceKind.PARTY_SERIOUS_WARNING, 18),
    ],
)
def test_influence_periods_end_on_the_same_day_months_later(kind, months):
    decided = D(2025, 3, 15)
    end = add_months_to_day(decided, months)
    last_barred = end - datetime.timedelta(days=1)
    finding = influence(record_id=7, kind=kind, decided_on=decided, on=last_barred, policy=INFLUENCE)
    assert finding is not None and finding.due_date == end and finding.facts["months"] == months
    assert influence(record_id=7, kind=kind, decided_on=decided, on=end, policy=INFLUENCE) is None
    assert influence(record_id=7, kind=kind, decided_on=decided, on=decided, policy=INFLUENCE) is not None


def test_influence_before_the_decision_is_nothing():
    assert (
        influence(record_id=1, kind="gov_warning", decided_on=D(2025, 3, 15), on=D(2025, 3, 14), policy=INFLUENCE)
        is None
    )
