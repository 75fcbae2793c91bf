"""Where the rules' numbers come from. The defaults are DOMAIN.md's; a
deployment overrides them in settings (``CADRE_POLICIES``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from personnel.rules import RetirementPolicy

DEFAULT_POLICIES: dict[str, Any] = {
    "retirement": {
        "reform_start": "2025-01",
        "male": {"base_age_years": 60, "step_months": 4, "cap_months": 36},
        "female_cadre": {"base_age_years": 55, "step_months": 4, "cap_months": 36},
        "female_worker": {"base_age_years": 50, "step_months": 2, "cap_months": 60},
    },
}


def _merged(defaults: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    # Recursive, so an override of one number (e.g. only the men's cap) keeps
    # the other numbers of that schedule instead of replacing the schedule.
    merged = dict(defaults)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _policies() -> dict[str, Any]:
    override: dict[str, Any] = getattr(settings, "CADRE_POLICIES", {})
    return _merged(DEFAULT_POLICIES, override)


def retirement_policy(category: str, *, base_age_override: int | None = None) -> RetirementPolicy:
    """The retirement schedule for a category (male / female_cadre /
    female_worker); a per-person base age (NLLB code) replaces the base."""
    config = _policies()["retirement"]
    schedule = config[category]
    year, month = (int(part) for part in str(config["reform_start"]).split("-"))
    return RetirementPolicy(
        base_age_years=base_age_override or int(schedule["base_age_years"]),
        step_months=int(schedule["step_months"]),
        cap_months=int(schedule["cap_months"]),
        reform_start=datetime.date(year, month, 1),
    )
