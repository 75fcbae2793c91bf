"""The API's world: two counties, each with its organization department, and
the personas every endpoint is tried by.

- ``owner``: org staff of 甲县 (may read and write 甲县's cadres)
- ``outsider``: org staff of 乙县 (sees nothing of 甲县)
- ``clerk``: the clerk of 甲县财政局 (reads their unit, proposes changes)
- ``clerk_b``: the clerk of 乙县财政局 (a clerk of another unit)
- ``leader`` and ``api_client``: read-only over 甲县
- ``admin``: the system administrator (no cadre data)
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from personnel.models import (
    Appraisal,
    Cadre,
    ChangeRequest,
    Code,
    Education,
    FamilyMember,
    LeadershipQuota,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
    Unit,
)
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

PERSONAS = ("owner", "outsider", "clerk", "clerk_b", "leader", "api_client", "admin")


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    root_a = make_unit("甲县", level="county")
    finance_a = make_unit("甲县财政局", parent=root_a)
    education_a = make_unit("甲县教育局", parent=root_a)
    root_b = make_unit("乙县", level="county")
    finance_b = make_unit("乙县财政局", parent=root_b)
    jur_a = make_jurisdiction("甲县委组织部", root_a)
    jur_b = make_jurisdiction("乙县委组织部", root_b)
    han = Code.objects.get(table="GB3304", code="01")
    return {
        "root_a": root_a,
        "finance_a": finance_a,
        "education_a": education_a,
        "finance_b": finance_b,
        "cadre": make_cadre(finance_a, name="张三", current_post="副局长", ethnicity=han),
        "cadre_a2": make_cadre(education_a, name="李四", sex="2", birth_date=datetime.date(1990, 7, 1)),
        "cadre_b": make_cadre(finance_b, name="王五"),
        "owner": make_user("owner", Role.ORG_STAFF, jurisdiction=jur_a),
        "outsider": make_user("outsider", Role.ORG_STAFF, jurisdiction=jur_b),
        "clerk": make_user("clerk", Role.UNIT_CLERK, unit=finance_a),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=finance_b),
        "leader": make_user("leader", Role.LEADER, jurisdiction=jur_a),
        "api_client": make_user("api_client", Role.API_CLIENT, jurisdiction=jur_a),
        "admin": make_user("admin", Role.SYSTEM_ADMIN),
    }


def client_as(world: dict[str, Any], persona: str | None, *, token: bool = True) -> APIClient:
    """An API client for a persona: with its token (as API clients do), or
    logged in by session (as the browser is) with ``token=False``."""
    client = APIClient()
    if persona is None:
        return client
    user = world[persona]
    if token:
        key = Token.objects.get_or_create(user=user)[0].key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    else:
        client.force_login(user)
    return client


@pytest.fixture
def as_persona(world: dict[str, Any]) -> Any:
    def make(persona: str | None, *, token: bool = True) -> APIClient:
        return client_as(world, persona, token=token)

    return make


def registry_state() -> dict[str, list[Any]]:
    """Every row of the registry's tables, to show a refused write changed nothing."""
    models = (Unit, Cadre, Education, ResumeEntry, PostHeld, FamilyMember, RewardPunishment, Appraisal)
    state = {model.__name__: list(model._default_manager.order_by("pk").values()) for model in models}
    state["ChangeRequest"] = list(ChangeRequest.objects.order_by("pk").values())
    state["LeadershipQuota"] = list(LeadershipQuota.objects.order_by("pk").values())
    return state


def etag(response: Any) -> str:
    value: str = response["ETag"]
    return value
