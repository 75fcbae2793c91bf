"""The alerts' world: two counties with leadership teams, org staff, a
clerk per county, a leader; and a helper that runs a whole check in the
test's own transaction (prepare, then every chunk)."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

import pytest

from accounts.access import SYSTEM
from accounts.models import Role
from alerts import engine, services
from alerts.models import CheckRun
from personnel.models import Code, CodeTable
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

D = datetime.date
ON = D(2025, 9, 1)


class Rule(StrEnum):
    """The rule codes stored on alerts, as the apps register them: stored
    alerts keep these values whichever app declares the rule."""

    ROTATION_DEPUTY = "rotation_deputy"
    ROTATION_POST = "rotation_post"
    TERM_LIMIT = "term_limit"
    LEVEL_TENURE = "level_tenure"
    AGE_CUTOFF = "age_cutoff"
    RETIREMENT = "retirement"
    KINSHIP = "kinship"
    HOME_COUNTY = "home_county"
    INFLUENCE = "influence"
    PROBATION = "probation"


def level(code: str) -> Code:
    return Code.objects.get(table=CodeTable.POST_LEVEL, code=code)


def relation(code: str) -> Code:
    return Code.objects.get(table=CodeTable.RELATION, code=code)


def run_checks(on: datetime.date = ON, chunk_size: int = 1000) -> CheckRun:
    run = services.run_start(actor=SYSTEM, check_date=on, chunk_size=chunk_size)
    for chunk_id in engine.prepare(run):
        engine.process_chunk(chunk_id)
    run.refresh_from_db()
    return run


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    county_a = make_unit("甲县", region_code="130534")
    finance_a = make_unit("甲县财政局", parent=county_a)
    town_a = make_unit("甲县城关镇", parent=county_a)
    county_b = make_unit("乙县", region_code="130535")
    finance_b = make_unit("乙县财政局", parent=county_b)
    jur_a = make_jurisdiction("甲县委组织部", county_a)
    jur_b = make_jurisdiction("乙县委组织部", county_b)
    users = {
        "staff_a": make_user("staff_a", Role.ORG_STAFF, jurisdiction=jur_a),
        "staff_a2": make_user("staff_a2", Role.ORG_STAFF, jurisdiction=jur_a),
        "staff_b": make_user("staff_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "clerk_a": make_user("clerk_a", Role.UNIT_CLERK, unit=finance_a),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=finance_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
        "api_a": make_user("api_a", Role.API_CLIENT, jurisdiction=jur_a),
        "sysadmin": make_user("sysadmin", Role.SYSTEM_ADMIN),
    }
    # Must rotate: 局长 of 甲县财政局 for 12 years.
    long_a = make_cadre(
        finance_a,
        name="甲久任",
        current_post="甲县财政局局长",
        current_post_date=D(2013, 6, 1),
        post_level=level("1A41"),
        post_level_date=D(2013, 6, 1),
    )
    long_b = make_cadre(
        finance_b,
        name="乙久任",
        current_post="乙县财政局局长",
        current_post_date=D(2012, 6, 1),
        post_level=level("1A41"),
        post_level_date=D(2012, 6, 1),
    )
    return {
        "units": {"county_a": county_a, "finance_a": finance_a, "town_a": town_a, "finance_b": finance_b},
        "users": users,
        "long_a": long_a,
        "long_b": long_b,
    }


def cadre(unit: Any, name: str, **fields: Any) -> Any:
    return make_cadre(unit, name=name, **fields)
