"""Which policy version is in force on a date. Policies are configuration,
not cadre data: anyone signed in may read them."""

from __future__ import annotations

import datetime
from typing import Any

from alerts.models import AlertPolicy
from alerts.rules import PolicyInForce, PolicyKey, policy_defaults, policy_from_params

# The date the seeded defaults take effect (the retirement reform's start).
DEFAULT_EFFECTIVE_FROM = datetime.date(2025, 1, 1)


def policy_rows_in_force(on: datetime.date) -> dict[PolicyKey, AlertPolicy | None]:
    """For each policy the latest version effective on ``on``; before the
    first version, the first version (so that a check dated before the
    seeded date still has numbers)."""
    rows: dict[PolicyKey, AlertPolicy | None] = dict.fromkeys(PolicyKey)
    for row in AlertPolicy.objects.order_by("key", "effective_from"):
        key = PolicyKey(row.key)
        current = rows[key]
        if current is None or row.effective_from <= on:
            rows[key] = row
    return rows


def snapshot(on: datetime.date) -> dict[str, Any]:
    """The policies in force as JSON, kept on a run."""
    result: dict[str, Any] = {}
    for key, row in policy_rows_in_force(on).items():
        if row is None:
            result[key.value] = {"params": policy_defaults(key), "effective_from": None, "version": None}
        else:
            result[key.value] = {
                "params": row.params,
                "effective_from": row.effective_from.isoformat(),
                "version": row.pk,
            }
    return result


def from_snapshot(data: dict[str, Any]) -> dict[PolicyKey, PolicyInForce]:
    policies: dict[PolicyKey, PolicyInForce] = {}
    for key in PolicyKey:
        entry = data.get(key.value) or {"params": {}, "effective_from": None, "version": None}
        effective = entry.get("effective_from")
        policies[key] = PolicyInForce(
            key=key,
            value=policy_from_params(key, entry.get("params") or {}),
            effective_from=datetime.date.fromisoformat(effective) if effective else DEFAULT_EFFECTIVE_FROM,
            version_id=entry.get("version"),
        )
    return policies


def policies_in_force(on: datetime.date) -> dict[PolicyKey, PolicyInForce]:
    return from_snapshot(snapshot(on))
