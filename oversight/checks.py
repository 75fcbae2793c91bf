"""The influence-period check, declared for the alert engine
(``core.checks``; registered by ``OversightConfig.ready()``): sanctions and
诫勉 whose period covers the check date, read set-based per chunk."""

from __future__ import annotations

import datetime

from core.checks import CheckSpec, Located, Policies, PolicySpec, own_findings, register_check, register_policy
from oversight.rules import INFLUENCE, INFLUENCE_LABELS, InfluenceKind, InfluencePolicy, influence
from personnel.checks.sql import rows
from personnel.models import CadreStatus
from personnel.rules import add_months

_SQL = f"""
    SELECT r.id, r.cadre_id, r.kind, r.decided_on
    FROM oversight_influencerecord r JOIN personnel_cadre c ON c.id = r.cadre_id
    WHERE r.cadre_id BETWEEN %s AND %s AND c.status = '{CadreStatus.ACTIVE.value}'
      AND r.decided_on <= %s AND r.decided_on > %s
"""  # noqa: S608 - a constant


def check_influence(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[INFLUENCE]
    p: InfluencePolicy = policy.value
    longest = max(p.months_for(kind) for kind in InfluenceKind)
    earliest = add_months(on.replace(day=1), -longest - 1)
    return own_findings(
        (cadre_id, influence(record_id=record_id, kind=kind, decided_on=decided_on, on=on, policy=policy))
        for record_id, cadre_id, kind, decided_on in rows(_SQL, [first, last, on, earliest])
    )


POLICY = PolicySpec(
    INFLUENCE, "处分影响期", InfluencePolicy, {kind.value: f"{label}（月）" for kind, label in INFLUENCE_LABELS.items()}
)
CHECK = CheckSpec(INFLUENCE, "处分影响期内不得提拔", INFLUENCE, check_influence)


def register() -> None:
    register_policy(POLICY)
    register_check(CHECK)
