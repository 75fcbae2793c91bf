"""The statutory retirement schedules (DOMAIN.md 6.1) as a policy of the one
versioned policy store (``personnel.policy_store``): ``retirement_age``,
declared here by personnel, seeded with DOMAIN.md's numbers from
2025-01-01, changed by the system administrator as a new version.

Every cadre's retirement month reads them (personnel.facts, for pages,
exports, forms and files), so they are read here with one small query —
not through the model, which personnel.models' own import of facts would
make circular — and kept per process for a minute."""

from __future__ import annotations

import datetime
import json
import threading
import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from core.checks import PolicySpec, policy_from_params
from personnel.rules import RetirementPolicy

RETIREMENT_AGE = "retirement_age"
RETIREMENT_CATEGORIES = ("male", "female_cadre", "female_worker")


@dataclass(frozen=True)
class RetirementAgePolicy:
    """法定退休年龄 under the 2025 reform (DOMAIN.md 6.1): for each category
    the original age, and from the reform's start a delay of one month per
    ``step`` months of birth after it, capped."""

    reform_start: datetime.date = datetime.date(2025, 1, 1)
    male_base_age_years: int = 60
    male_step_months: int = 4
    male_cap_months: int = 36
    female_cadre_base_age_years: int = 55
    female_cadre_step_months: int = 4
    female_cadre_cap_months: int = 36
    female_worker_base_age_years: int = 50
    female_worker_step_months: int = 2
    female_worker_cap_months: int = 60

    def schedule(self, category: str, *, base_age_override: int | None = None) -> RetirementPolicy:
        """The schedule of a category (male / female_cadre / female_worker);
        a per-person base age (NLLB code) replaces the base."""
        if category not in RETIREMENT_CATEGORIES:
            raise KeyError(category)
        return RetirementPolicy(
            base_age_years=base_age_override or int(getattr(self, f"{category}_base_age_years")),
            step_months=int(getattr(self, f"{category}_step_months")),
            cap_months=int(getattr(self, f"{category}_cap_months")),
            reform_start=self.reform_start.replace(day=1),
        )


RETIREMENT_AGE_POLICY = PolicySpec(
    RETIREMENT_AGE,
    "法定退休年龄",
    RetirementAgePolicy,
    {
        "reform_start": "渐进式延迟退休起始月",
        "male_base_age_years": "男职工：原退休年龄（周岁）",
        "male_step_months": "男职工：每几个月延迟一个月",
        "male_cap_months": "男职工：最多延迟（月）",
        "female_cadre_base_age_years": "女干部：原退休年龄（周岁）",
        "female_cadre_step_months": "女干部：每几个月延迟一个月",
        "female_cadre_cap_months": "女干部：最多延迟（月）",
        "female_worker_base_age_years": "女工人：原退休年龄（周岁）",
        "female_worker_step_months": "女工人：每几个月延迟一个月",
        "female_worker_cap_months": "女工人：最多延迟（月）",
    },
)


# --- the retirement schedules, read often -------------------------------------------------

# Every cadre's retirement month reads the schedules (list pages, exports,
# forms): the version in force today is read once per process and kept for
# a minute; a change made in this process is seen at once (clear_cache).
_CACHE_SECONDS = 60.0
_cache: dict[datetime.date, tuple[float, RetirementAgePolicy]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def retirement_age_policy(on: datetime.date | None = None) -> RetirementAgePolicy:
    """The retirement schedules in force on ``on`` (today by default)."""
    day = on or timezone.localdate()
    now = time.monotonic()
    with _lock:
        hit = _cache.get(day)
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    # The latest version effective on the day; before the first, the first.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT params FROM personnel_policy WHERE key = %s"
            " ORDER BY effective_from <= %s DESC, CASE WHEN effective_from <= %s THEN effective_from END DESC,"
            " effective_from LIMIT 1",
            [RETIREMENT_AGE, day, day],
        )
        row = cursor.fetchone()
    params = row[0] if row is not None else {}
    if isinstance(params, str):
        params = json.loads(params)
    value: RetirementAgePolicy = policy_from_params(RETIREMENT_AGE, params)
    with _lock:
        _cache[day] = (now, value)
    return value


def retirement_policy(category: str, *, base_age_override: int | None = None) -> RetirementPolicy:
    """The retirement schedule in force today for a category (male /
    female_cadre / female_worker); a per-person base age (NLLB code)
    replaces the base."""
    return retirement_age_policy().schedule(category, base_age_override=base_age_override)
