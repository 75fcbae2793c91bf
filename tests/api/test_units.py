"""/api/v1/units/: the scoped list, a unit with its quotas, and its
leadership team (quota against actual, vacancies, average age)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from personnel.models import Code, LeadershipQuota
from tests.api.conftest import registry_state
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db


def unit_names(response):
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ["甲县", "甲县财政局", "甲县教育局"]),
        ("leader", ["甲县", "甲县财政局", "甲县教育局"]),
        ("clerk", ["甲县财政局"]),
        ("clerk_b", ["乙县财政局"]),
        ("outsider", ["乙县", "乙县财政局"]),
        ("admin", []),
    ],
)
def test_units_list_is_scoped(as_persona, persona, expected):
    response = as_persona(persona).get("/api/v1/units/")
    assert response.status_code == 200
    assert sorted(unit_names(response)) == sorted(expected)


def test_units_list_filters_by_parent_and_name(world, as_persona):
    client = as_persona("owner")
    children = client.get("/api/v1/units/", {"parent": world["root_a"].pk})
    assert sorted(unit_names(children)) == ["甲县教育局", "甲县财政局"]
    assert unit_names(client.get("/api/v1/units/", {"q": "教育"})) == ["甲县教育局"]
    bad = client.get("/api/v1/units/", {"parent": "x"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["parent"] == ["请填写合法的整数值。"]


@pytest.fixture
def team(world):
    """甲县财政局: quota 1 正职 and 2 副职; one 正职 and one 副职 in post."""
    principal = Code.objects.get(table="ZB09", code="1A41")
    deputy = Code.objects.get(table="ZB09", code="1A42")
    unit = world["finance_a"]
    LeadershipQuota.objects.create(unit=unit, post_level=principal, count=1)
    LeadershipQuota.objects.create(unit=unit, post_level=deputy, count=2)
    make_cadre(unit, name="钱局长", post_level=principal, birth_date=datetime.date(1975, 1, 1))
    world["cadre"].post_level = deputy
    world["cadre"].save(update_fields=["post_level"])
    make_cadre(unit, name="孙退休", post_level=deputy, status="retired", birth_date=datetime.date(1960, 1, 1))
    return unit


def test_unit_detail_has_its_quotas(world, as_persona, team):
    response = as_persona("owner").get(reverse("api:unit-detail", kwargs={"pk": team.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "甲县财政局"
    assert body["parent_name"] == "甲县"
    assert [(q["post_level"], q["count"]) for q in body["quotas"]] == [("1A41", 1), ("1A42", 2)]


def test_leadership_counts_quota_actual_vacancies_and_average_age(as_persona, team):
    url = reverse("api:unit-leadership", kwargs={"pk": team.pk})
    body = as_persona("owner").get(url, {"as_of": "2025-06-30"}).json()
    assert [m["name"] for m in body["members"]] == ["钱局长", "张三"]
    assert [(lv["post_level"], lv["quota"], lv["actual"], lv["vacancies"]) for lv in body["levels"]] == [
        ("1A41", 1, 1, 0),
        ("1A42", 2, 1, 1),
    ]
    assert body["quota_total"] == 3
    assert body["actual_total"] == 2
    assert body["vacancies_total"] == 1
    assert body["average_age"] == 47.5  # 50 and 45 on 2025-06-30
    assert body["as_of"] == "2025-06-30"
    assert body["quota_set"] is True
    assert body["women"] == 0
    assert body["own_cadres"] == 2  # 张三 and 钱局长; not the retired 孙退休


@pytest.mark.parametrize("persona", ["outsider", "clerk_b", "admin"])
def test_out_of_scope_units_are_404(world, as_persona, persona, team):
    client = as_persona(persona)
    for name in ("api:unit-detail", "api:unit-leadership"):
        response = client.get(reverse(name, kwargs={"pk": team.pk}))
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到该单位"}


def test_clerk_sees_their_own_units_team(as_persona, team):
    response = as_persona("clerk").get(reverse("api:unit-leadership", kwargs={"pk": team.pk}))
    assert response.status_code == 200
    assert response.json()["actual_total"] == 2


@pytest.mark.parametrize("persona", ["owner", "clerk", "outsider"])
def test_units_are_read_only_here(world, as_persona, persona):
    client = as_persona(persona)
    before = registry_state()
    assert client.post("/api/v1/units/", {"name": "新单位"}, format="json").status_code == 405
    url = reverse("api:unit-detail", kwargs={"pk": world["finance_a"].pk})
    assert client.patch(url, {"name": "篡改"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert registry_state() == before
