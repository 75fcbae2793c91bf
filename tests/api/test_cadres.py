"""/api/v1/cadres/: list, detail, create, update and partial update, by every
persona; ETag and If-Match; the list's query count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personnel.access import CLERK_NO_CREATE, CLERK_USE_CHANGE_REQUEST, READ_ONLY
from personnel.api.serializers import CadreDetailSerializer, CadreListItemSerializer
from personnel.models import Cadre, Code
from tests.api.conftest import etag, registry_state
from tests.factories import id_number_for, make_cadre

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cadres/"


def detail_url(cadre: Cadre) -> str:
    return reverse("api:cadre-detail", kwargs={"pk": cadre.pk})


def names(response: Any) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", {"张三", "李四"}),
        ("leader", {"张三", "李四"}),
        ("api_client", {"张三", "李四"}),
        ("clerk", {"张三"}),
        ("clerk_b", {"王五"}),
        ("outsider", {"王五"}),
        ("admin", set()),
    ],
)
def test_list_shows_exactly_the_personas_scope(as_persona, persona, expected):
    response = as_persona(persona).get(LIST)
    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_list_needs_authentication_in_chinese(as_persona):
    response = as_persona(None).get(LIST)
    assert response.status_code == 401
    assert response.json() == {"detail": "身份认证信息未提供。"}
    assert response["WWW-Authenticate"] == "Token"


def test_list_rows_have_the_documented_shape(world, as_persona):
    row = next(r for r in as_persona("owner").get(LIST).json()["results"] if r["name"] == "张三")
    assert set(row) == set(CadreListItemSerializer().fields)
    cadre = world["cadre"]
    assert row["id"] == cadre.pk
    assert row["unit"] == world["finance_a"].pk
    assert row["unit_name"] == "甲县财政局"
    assert row["ethnicity"] == "01"
    assert row["ethnicity_name"] == "汉族"
    assert row["sex_display"] == "男"
    assert row["birth_date"] == "1980-05-01"
    assert row["age"] == cadre.age_at()
    assert row["version"] == cadre.version


def test_list_uses_the_shared_filters(world, as_persona):
    client = as_persona("owner")
    assert names(client.get(LIST, {"q": "zs"})) == {"张三"}
    assert names(client.get(LIST, {"sex": "2"})) == {"李四"}
    assert names(client.get(LIST, {"unit": world["education_a"].pk})) == {"李四"}
    assert names(client.get(LIST, {"generation": "90"})) == {"李四"}
    assert names(client.get(LIST, {"age_max": "40", "as_of": "2025-01-01"})) == {"李四"}
    ordered = client.get(LIST, {"ordering": "-birth_date"}).json()["results"]
    assert [row["name"] for row in ordered] == ["李四", "张三"]


def test_age_follows_the_as_of_date(as_persona):
    rows = as_persona("owner").get(LIST, {"q": "zs", "as_of": "2020-05-01"}).json()["results"]
    assert rows[0]["age"] == 40


def test_unit_filter_cannot_reach_outside_the_scope(world, as_persona):
    response = as_persona("owner").get(LIST, {"unit": world["finance_b"].pk})
    assert response.status_code == 200
    assert names(response) == set()


def test_invalid_filter_is_a_chinese_field_error(as_persona):
    response = as_persona("owner").get(LIST, {"sex": "9", "age_min": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "输入有误，请检查各字段"
    assert set(body["errors"]) == {"sex", "age_min"}
    assert "9" in body["errors"]["sex"][0] and "有效" in body["errors"]["sex"][0]


def test_page_size_is_chosen_by_the_client_and_capped(world, as_persona):
    for i in range(3):
        make_cadre(world["finance_a"], name=f"赵{'一二三'[i]}")
    client = as_persona("owner")
    page = client.get(LIST, {"page_size": 2}).json()
    assert page["count"] == 5
    assert len(page["results"]) == 2
    assert page["next"] is not None
    capped = client.get(LIST, {"page_size": 100000}).json()
    assert len(capped["results"]) == 5  # 200 at most; all five fit
    missing = client.get(LIST, {"page": 99})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "无效页面。"}


def _list_queries(client: Any, page_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"page_size": page_size})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(world, as_persona):
    client = as_persona("owner")
    han = Code.objects.get(table="GB3304", code="01")
    level = Code.objects.filter(table="ZB09").first()
    for i in range(3):
        make_cadre(world["finance_a"], name=f"钱{i}", ethnicity=han, post_level=level)
    five = _list_queries(client, 50)
    for i in range(45):
        make_cadre(world["education_a"], name=f"孙{i}", ethnicity=han, post_level=level)
    fifty = _list_queries(client, 50)
    assert client.get(LIST, {"page_size": 50}).json()["count"] == 50
    assert fifty == five
    # The token, the scope (roles, jurisdictions, their root units), the
    # count, the page's ids and the page's rows.
    assert fifty <= 7


# --- detail -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "leader", "api_client", "clerk"])
def test_readers_get_the_detail_with_an_etag(world, as_persona, persona):
    cadre = world["cadre"]
    response = as_persona(persona).get(detail_url(cadre))
    assert response.status_code == 200
    assert etag(response) == f'"{cadre.version}"'
    body = response.json()
    assert set(body) == set(CadreDetailSerializer().fields)
    assert body["name"] == "张三"
    assert body["ethnicity_name"] == "汉族"
    assert body["educations"] == []


@pytest.mark.parametrize("persona", ["outsider", "clerk_b", "admin"])
def test_out_of_scope_detail_is_404_like_missing(world, as_persona, persona):
    client = as_persona(persona)
    hidden = client.get(detail_url(world["cadre"]))
    missing = client.get("/api/v1/cadres/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "未找到该干部"}


def test_clerk_does_not_see_a_sibling_units_cadre(world, as_persona):
    assert as_persona("clerk").get(detail_url(world["cadre_a2"])).status_code == 404


def test_unchanged_detail_answers_304(world, as_persona):
    client = as_persona("owner")
    first = client.get(detail_url(world["cadre"]))
    again = client.get(detail_url(world["cadre"]), HTTP_IF_NONE_MATCH=etag(first))
    assert again.status_code == 304
    assert etag(again) == etag(first)


def test_detail_query_count_does_not_grow_with_sub_records(world, as_persona):
    client = as_persona("owner")
    cadre = world["cadre"]
    with CaptureQueriesContext(connection) as before:
        client.get(detail_url(cadre))
    from personnel.models import Appraisal, FamilyMember, ResumeEntry

    for year in range(2015, 2025):
        Appraisal.objects.create(cadre=cadre, year=year, grade="competent")
        ResumeEntry.objects.create(cadre=cadre, start_date=datetime.date(year, 1, 1), content=f"{year}年工作")
        FamilyMember.objects.create(cadre=cadre, name=f"亲属{year}")
    with CaptureQueriesContext(connection) as after:
        response = client.get(detail_url(cadre))
    assert len(response.json()["appraisals"]) == 10
    assert len(after) == len(before)


# --- create ---------------------------------------------------------------------------------


def new_cadre(unit_id: int, **extra: Any) -> dict[str, Any]:
    birth = datetime.date(1985, 3, 1)
    return {
        "name": "周 七",
        "sex": "1",
        "birth_date": birth.isoformat(),
        "unit": unit_id,
        "id_number": id_number_for(birth, "1").lower(),
        "ethnicity": "01",
        "post_level": "1A42",
        **extra,
    }


def test_owner_creates_a_cadre(world, as_persona):
    response = as_persona("owner").post(LIST, new_cadre(world["finance_a"].pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "周七"  # the service normalizes the name
    assert body["name_initials"] == "ZQ"
    assert body["post_level"] == "1A42"
    assert body["post_level_name"] == "乡科级副职"
    assert response["Location"] == f"/api/v1/cadres/{body['id']}/"
    assert etag(response) == '"1"'
    assert Cadre.objects.filter(pk=body["id"], unit=world["finance_a"]).exists()


@pytest.mark.parametrize(
    ("persona", "status", "message"),
    [
        ("clerk", 403, CLERK_NO_CREATE),
        ("leader", 403, READ_ONLY),
        ("api_client", 403, READ_ONLY),
        ("admin", 403, "您没有修改干部数据的权限"),
        ("outsider", 400, None),  # a unit outside their jurisdiction is not a choice
    ],
)
def test_others_cannot_create_in_unit_a(world, as_persona, persona, status, message):
    before = registry_state()
    response = as_persona(persona).post(LIST, new_cadre(world["finance_a"].pk), format="json")
    assert response.status_code == status
    if message:
        assert response.json() == {"detail": message}
    else:
        assert "unit" in response.json()["errors"]
    assert registry_state() == before


def test_invalid_cadre_gets_chinese_field_errors(world, as_persona):
    data = new_cadre(world["finance_a"].pk, id_number="110101198503011234", ethnicity="zz", birth_date="1985-13-01")
    del data["name"]
    response = as_persona("owner").post(LIST, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "输入有误，请检查各字段"
    assert body["errors"]["name"] == ["该字段是必填项。"]
    assert "zz" in body["errors"]["ethnicity"][0]
    assert "日期格式错误" in body["errors"]["birth_date"][0]


def test_service_rules_come_back_as_field_errors(world, as_persona):
    # A valid number whose birth date disagrees with the record: the rule is the service's.
    data = new_cadre(world["finance_a"].pk, id_number=id_number_for(datetime.date(1970, 1, 1), "1"))
    response = as_persona("owner").post(LIST, data, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["id_number"]
    assert "出生" in response.json()["errors"]["id_number"][0]


# --- update -------------------------------------------------------------------------------------


def test_owner_patches_with_if_match_and_gets_the_new_etag(world, as_persona):
    client = as_persona("owner")
    cadre = world["cadre"]
    tag = etag(client.get(detail_url(cadre)))
    response = client.patch(detail_url(cadre), {"current_post": "局长"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.json()
    cadre.refresh_from_db()
    assert cadre.current_post == "局长"
    assert etag(response) == f'"{cadre.version}"' != tag
    assert response.json()["current_post"] == "局长"


def test_weakened_etag_still_matches(world, as_persona):
    cadre = world["cadre"]
    response = as_persona("owner").patch(
        detail_url(cadre), {"note": "备注"}, format="json", HTTP_IF_MATCH=f'W/"{cadre.version}"'
    )
    assert response.status_code == 200


def test_owner_puts_the_whole_record(world, as_persona):
    cadre = world["cadre"]
    data = {
        "name": "张三",
        "sex": "1",
        "birth_date": "1980-05-01",
        "unit": world["education_a"].pk,
        "id_number": cadre.id_number,
        "current_post": "局长",
    }
    response = as_persona("owner").put(detail_url(cadre), data, format="json", HTTP_IF_MATCH=f'"{cadre.version}"')
    assert response.status_code == 200, response.json()
    cadre.refresh_from_db()
    assert cadre.unit == world["education_a"]
    assert cadre.current_post == "局长"


def test_put_needs_every_required_field(world, as_persona):
    cadre = world["cadre"]
    before = registry_state()
    response = as_persona("owner").put(
        detail_url(cadre), {"current_post": "局长"}, format="json", HTTP_IF_MATCH=f'"{cadre.version}"'
    )
    assert response.status_code == 400
    assert {"name", "sex", "birth_date", "unit"} <= set(response.json()["errors"])
    assert registry_state() == before


def test_missing_if_match_is_428(world, as_persona):
    before = registry_state()
    response = as_persona("owner").patch(detail_url(world["cadre"]), {"note": "x"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    star = as_persona("owner").patch(detail_url(world["cadre"]), {"note": "x"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 428
    assert registry_state() == before


def test_stale_if_match_is_412_with_the_current_record(world, as_persona):
    client = as_persona("owner")
    cadre = world["cadre"]
    old = etag(client.get(detail_url(cadre)))
    assert client.patch(detail_url(cadre), {"note": "先改"}, format="json", HTTP_IF_MATCH=old).status_code == 200
    before = registry_state()
    response = client.patch(detail_url(cadre), {"note": "后改"}, format="json", HTTP_IF_MATCH=old)
    assert response.status_code == 412
    body = response.json()
    cadre.refresh_from_db()
    assert "已被他人修改" in body["detail"]
    assert body["current_version"] == cadre.version
    assert body["current"]["note"] == "先改"
    assert etag(response) == f'"{cadre.version}"'
    assert registry_state() == before


def test_stale_version_found_inside_the_service_is_412(world, as_persona, monkeypatch):
    # Someone saves between the view's If-Match check and the service's lock.
    from personnel import services

    cadre = world["cadre"]
    real_update = services.cadre_update

    def racing_update(**kwargs: Any) -> Cadre:
        Cadre.objects.filter(pk=cadre.pk).update(version=cadre.version + 1)
        return real_update(**kwargs)

    monkeypatch.setattr(services, "cadre_update", racing_update)
    response = as_persona("owner").patch(
        detail_url(cadre), {"note": "x"}, format="json", HTTP_IF_MATCH=f'"{cadre.version}"'
    )
    assert response.status_code == 412
    cadre.refresh_from_db()
    assert cadre.note == ""


@pytest.mark.parametrize("method", ["put", "patch"])
def test_clerk_is_told_to_submit_a_change_request(world, as_persona, method):
    cadre = world["cadre"]
    before = registry_state()
    response = getattr(as_persona("clerk"), method)(
        detail_url(cadre), {"current_post": "局长"}, format="json", HTTP_IF_MATCH=f'"{cadre.version}"'
    )
    assert response.status_code == 403
    assert response.json() == {"detail": CLERK_USE_CHANGE_REQUEST}
    assert registry_state() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("api_client", 403), ("outsider", 404), ("clerk_b", 404), ("admin", 404)]
)
def test_others_cannot_update(world, as_persona, persona, status):
    cadre = world["cadre"]
    before = registry_state()
    response = as_persona(persona).patch(
        detail_url(cadre), {"current_post": "篡改"}, format="json", HTTP_IF_MATCH=f'"{cadre.version}"'
    )
    assert response.status_code == status
    assert registry_state() == before


def test_owner_cannot_move_a_cadre_out_of_the_jurisdiction(world, as_persona):
    cadre = world["cadre"]
    before = registry_state()
    response = as_persona("owner").patch(
        detail_url(cadre), {"unit": world["finance_b"].pk}, format="json", HTTP_IF_MATCH=f'"{cadre.version}"'
    )
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    assert registry_state() == before


def test_cadres_cannot_be_deleted_through_the_api(world, as_persona):
    cadre = world["cadre"]
    response = as_persona("owner").delete(detail_url(cadre), HTTP_IF_MATCH=f'"{cadre.version}"')
    assert response.status_code == 405
    assert response.json() == {"detail": "方法 “DELETE” 不被允许。"}
    assert Cadre.objects.filter(pk=cadre.pk).exists()
