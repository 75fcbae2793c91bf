"""The one versioned policy store: every rule's numbers, for every policy an
app declares (``core.checks.register_policy``), as versions with effective
dates in ``personnel.models.Policy``. DOMAIN.md's defaults are seeded by
data migrations from 2025-01-01; the system administrator adds a version
with an effective date on the policy page (history kept by the triggers,
written by ``personnel.services.policy_set``). A reader asks for the
versions in force on a date: the alert checks at their check date (fixed
on the run as a snapshot), the registry's derived facts today
(``personnel.policy``)."""

from __future__ import annotations

import datetime
from typing import Any

from core.checks import PolicyInForce, policy_defaults, policy_from_params, registered_policies
from personnel.models import Policy

# The date the seeded defaults take effect (the retirement reform's start).
DEFAULT_EFFECTIVE_FROM = datetime.date(2025, 1, 1)


def policy_rows_in_force(on: datetime.date) -> dict[str, Policy | None]:
    """For each registered policy the latest version effective on ``on``;
    before the first version, the first version (so that a date before the
    seeded date still has numbers)."""
    rows: dict[str, Policy | None] = {spec.key: None for spec in registered_policies()}
    for row in Policy.objects.order_by("key", "effective_from"):
        if row.key not in rows:
            continue  # a policy no installed app declares any more
        current = rows[row.key]
        if current is None or row.effective_from <= on:
            rows[row.key] = row
    return rows


def snapshot(on: datetime.date) -> dict[str, Any]:
    """The policies in force as JSON (kept on a check run)."""
    result: dict[str, Any] = {}
    for key, row in policy_rows_in_force(on).items():
        if row is None:
            result[key] = {"params": policy_defaults(key), "effective_from": None, "version": None}
        else:
            result[key] = {"params": row.params, "effective_from": row.effective_from.isoformat(), "version": row.pk}
    return result


def from_snapshot(data: dict[str, Any]) -> dict[str, PolicyInForce]:
    policies: dict[str, PolicyInForce] = {}
    for spec in registered_policies():
        entry = data.get(spec.key) or {"params": {}, "effective_from": None, "version": None}
        effective = entry.get("effective_from")
        policies[spec.key] = PolicyInForce(
            key=spec.key,
            value=policy_from_params(spec.key, entry.get("params") or {}),
            effective_from=datetime.date.fromisoformat(effective) if effective else DEFAULT_EFFECTIVE_FROM,
            version_id=entry.get("version"),
        )
    return policies


def policies_in_force(on: datetime.date) -> dict[str, PolicyInForce]:
    return from_snapshot(snapshot(on))
