"""GET /api/v1/alerts/ and POST /api/v1/alerts/{id}/acknowledge/, tried by
org staff, a clerk, an outsider, read-only accounts and the system
administrator."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from alerts.models import Alert, AlertState
from tests.alerts.conftest import Rule, run_checks


@pytest.fixture
def checked(world):
    run_checks()
    world["alert_a"] = Alert.objects.get(cadre=world["long_a"], rule=Rule.ROTATION_POST)
    world["alert_b"] = Alert.objects.get(cadre=world["long_b"], rule=Rule.ROTATION_POST)
    return world


def api(world, persona: str) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=world["users"][persona])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_list_is_scoped_and_explains_each_alert(checked):
    body = api(checked, "staff_a").get("/api/v1/alerts/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["cadre"] == checked["long_a"].pk and item["cadre_name"] == "甲久任"
    assert item["rule"] == "rotation_post" and item["rule_label"] == "任同一职务满年限必须交流"
    assert item["message"].startswith("任现职 12 年 3 个月，超过 10 年必须交流")
    assert item["facts"]["years"] == 10 and item["state"] == "open" and item["due_date"] == "2023-06-01"
    assert api(checked, "staff_b").get("/api/v1/alerts/").json()["count"] == 1
    assert api(checked, "api_a").get("/api/v1/alerts/").json()["count"] == 1
    assert api(checked, "sysadmin").get("/api/v1/alerts/").json()["count"] == 0


def test_list_filters(checked):
    client = api(checked, "staff_a")
    assert client.get("/api/v1/alerts/", {"rule": "retirement"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"cadre": checked["long_a"].pk}).json()["count"] == 1
    assert client.get("/api/v1/alerts/", {"state": ""}).json()["count"] == 1
    bad = client.get("/api/v1/alerts/", {"due_before": "明天"})
    assert bad.status_code == 400 and "due_before" in bad.json()["errors"]
    assert client.get("/api/v1/alerts/", {"unit": checked["units"]["finance_b"].pk}).status_code == 404


def test_out_of_scope_alert_is_404(checked):
    client = api(checked, "staff_b")
    assert client.get(f"/api/v1/alerts/{checked['alert_a'].pk}/").status_code == 404
    response = client.post(f"/api/v1/alerts/{checked['alert_a'].pk}/acknowledge/", {"note": "x"}, format="json")
    assert response.status_code == 404
    checked["alert_a"].refresh_from_db()
    assert checked["alert_a"].state == AlertState.OPEN


def test_org_staff_acknowledge_twice_without_harm(checked):
    client = api(checked, "staff_a")
    url = f"/api/v1/alerts/{checked['alert_a'].pk}/acknowledge/"
    first = client.post(url, {"note": "已阅"}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "acknowledged"
    assert client.post(url, {}, format="json").status_code == 200
    assert checked["alert_a"].events.filter(kind="acknowledged").count() == 1


def test_clerk_acknowledges_their_units_alert(checked):
    response = api(checked, "clerk_a").post(f"/api/v1/alerts/{checked['alert_a'].pk}/acknowledge/", format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["leader_a", "api_a"])
def test_read_only_accounts_cannot_acknowledge(checked, persona):
    response = api(checked, persona).post(f"/api/v1/alerts/{checked['alert_a'].pk}/acknowledge/", format="json")
    assert response.status_code == 403 and response.json()["detail"]
    checked["alert_a"].refresh_from_db()
    assert checked["alert_a"].state == AlertState.OPEN


def test_anonymous_is_refused(checked):
    assert APIClient().get("/api/v1/alerts/").status_code in (401, 403)
