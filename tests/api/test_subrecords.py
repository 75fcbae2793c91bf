"""A cadre's sub-records under /api/v1/cadres/<cadre_pk>/…: every kind read
and written by the owner, refused to the others with nothing changed, and
tied to the cadre's ETag."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from personnel.access import CLERK_NO_SUBRECORDS, READ_ONLY
from personnel.models import Appraisal, Cadre, Education, FamilyMember, PostHeld, ResumeEntry, RewardPunishment
from tests.api.conftest import etag, registry_state

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Kind:
    basename: str
    model: type[Any]
    existing: dict[str, Any]  # model fields of a row made directly
    new: dict[str, Any]  # API input for a new row
    change: dict[str, Any]  # API input for PATCH
    shown: tuple[str, Any]  # a field of the output and its value after the PATCH


KINDS = [
    Kind(
        "education",
        Education,
        {"kind": "full_time", "school": "某大学"},
        {"kind": "in_service", "education": "21", "degree": "202", "school": "省委党校", "major": "经济管理"},
        {"education": "11"},
        ("education_name", "研究生"),
    ),
    Kind(
        "resumeentry",
        ResumeEntry,
        {"start_date": datetime.date(2002, 7, 1), "content": "某局科员"},
        {"start_date": "2010-01-01", "content": "某局副局长"},
        {"note": "其间：在职学习"},
        ("note", "其间：在职学习"),
    ),
    Kind(
        "postheld",
        PostHeld,
        {"title": "副局长", "start_date": datetime.date(2018, 1, 1)},
        {"title": "局长", "start_date": "2021-06-01", "post_level": "1A41", "appointment_method": "appointed"},
        {"post_level": "1A42"},
        ("post_level_name", "乡科级副职"),
    ),
    Kind(
        "familymember",
        FamilyMember,
        {"name": "张父", "work_unit_and_post": "已退休"},
        {"name": "张妻", "relation": "13", "political_status": "01", "birth_date": "1982-02-01"},
        {"work_unit_and_post": "某中学教师"},
        ("work_unit_and_post", "某中学教师"),
    ),
    Kind(
        "rewardpunishment",
        RewardPunishment,
        {"kind": "reward", "title": "嘉奖"},
        {"kind": "reward", "title": "记三等功", "date": "2020-12-01"},
        {"issuer": "县人民政府"},
        ("issuer", "县人民政府"),
    ),
    Kind(
        "appraisal",
        Appraisal,
        {"year": 2022, "grade": "competent"},
        {"year": 2023, "grade": "excellent"},
        {"grade": "basic"},
        ("grade_display", "基本称职"),
    ),
]
IDS = [kind.basename for kind in KINDS]


@pytest.fixture(params=KINDS, ids=IDS)
def kind(request):
    return request.param


@pytest.fixture
def record(world, kind):
    return kind.model.objects.create(cadre=world["cadre"], **kind.existing)


def list_url(kind: Kind, cadre: Cadre) -> str:
    return reverse(f"api:{kind.basename}-list", kwargs={"cadre_pk": cadre.pk})


def item_url(kind: Kind, cadre: Cadre, pk: int) -> str:
    return reverse(f"api:{kind.basename}-detail", kwargs={"cadre_pk": cadre.pk, "pk": pk})


def version(cadre: Cadre) -> int:
    cadre.refresh_from_db()
    return cadre.version


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "clerk", "leader", "api_client"])
def test_readers_list_and_read_records_with_the_cadres_etag(world, as_persona, kind, record, persona):
    client = as_persona(persona)
    cadre = world["cadre"]
    listed = client.get(list_url(kind, cadre))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [record.pk]
    assert etag(listed) == f'"{version(cadre)}"'
    one = client.get(item_url(kind, cadre, record.pk))
    assert one.status_code == 200
    assert one.json()["id"] == record.pk


@pytest.mark.parametrize("persona", ["outsider", "clerk_b", "admin"])
def test_out_of_scope_records_are_404(world, as_persona, kind, record, persona):
    client = as_persona(persona)
    assert client.get(list_url(kind, world["cadre"])).status_code == 404
    response = client.get(item_url(kind, world["cadre"], record.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该干部"}


def test_a_record_is_only_found_under_its_own_cadre(world, as_persona, kind, record):
    response = as_persona("owner").get(item_url(kind, world["cadre_a2"], record.pk))
    assert response.status_code == 404


# --- writing ----------------------------------------------------------------------------------------


def test_owner_creates_changes_and_deletes_a_record(world, as_persona, kind, record):
    client = as_persona("owner")
    cadre = world["cadre"]
    start = version(cadre)

    created = client.post(list_url(kind, cadre), kind.new, format="json")
    assert created.status_code == 201, created.json()
    new_id = created.json()["id"]
    assert kind.model.objects.filter(pk=new_id, cadre=cadre).exists()
    assert etag(created) == f'"{version(cadre)}"'
    assert version(cadre) == start + 1

    changed = client.patch(item_url(kind, cadre, new_id), kind.change, format="json", HTTP_IF_MATCH=etag(created))
    assert changed.status_code == 200, changed.json()
    field, value = kind.shown
    assert changed.json()[field] == value
    assert version(cadre) == start + 2

    deleted = client.delete(item_url(kind, cadre, new_id), HTTP_IF_MATCH=etag(changed))
    assert deleted.status_code == 204
    assert not kind.model.objects.filter(pk=new_id).exists()
    assert etag(deleted) == f'"{version(cadre)}"'
    assert kind.model.objects.filter(pk=record.pk).exists()


def test_put_replaces_a_record(world, as_persona, kind, record):
    cadre = world["cadre"]
    response = as_persona("owner").put(
        item_url(kind, cadre, record.pk), kind.new, format="json", HTTP_IF_MATCH=f'"{version(cadre)}"'
    )
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_changes_need_the_cadres_if_match(world, as_persona, kind, record, method):
    client = as_persona("owner")
    cadre = world["cadre"]
    url = item_url(kind, cadre, record.pk)
    before = registry_state()
    missing = getattr(client, method)(url, kind.new, format="json")
    assert missing.status_code == 428
    stale = getattr(client, method)(url, kind.new, format="json", HTTP_IF_MATCH=f'"{version(cadre) - 1}"')
    assert stale.status_code == 412
    assert stale.json()["current_version"] == version(cadre)
    assert registry_state() == before


def test_a_stale_if_match_on_create_is_refused(world, as_persona, kind):
    cadre = world["cadre"]
    before = registry_state()
    response = as_persona("owner").post(list_url(kind, cadre), kind.new, format="json", HTTP_IF_MATCH='"999"')
    assert response.status_code == 412
    assert registry_state() == before


def test_a_sub_record_change_makes_the_cadres_etag_stale(world, as_persona, kind, record):
    client = as_persona("owner")
    cadre = world["cadre"]
    tag = etag(client.get(reverse("api:cadre-detail", kwargs={"pk": cadre.pk})))
    client.patch(item_url(kind, cadre, record.pk), kind.change, format="json", HTTP_IF_MATCH=tag)
    response = client.patch(
        reverse("api:cadre-detail", kwargs={"pk": cadre.pk}), {"note": "x"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 412


@pytest.mark.parametrize(
    ("persona", "status", "message"),
    [
        ("clerk", 403, CLERK_NO_SUBRECORDS),
        ("leader", 403, READ_ONLY),
        ("api_client", 403, READ_ONLY),
        ("outsider", 404, "未找到该干部"),
        ("clerk_b", 404, "未找到该干部"),
        ("admin", 404, "未找到该干部"),
    ],
)
def test_others_cannot_write_records(world, as_persona, kind, record, persona, status, message):
    client = as_persona(persona)
    cadre = world["cadre"]
    tag = f'"{version(cadre)}"'
    before = registry_state()
    attempts = [
        client.post(list_url(kind, cadre), kind.new, format="json", HTTP_IF_MATCH=tag),
        client.patch(item_url(kind, cadre, record.pk), kind.change, format="json", HTTP_IF_MATCH=tag),
        client.put(item_url(kind, cadre, record.pk), kind.new, format="json", HTTP_IF_MATCH=tag),
        client.delete(item_url(kind, cadre, record.pk), HTTP_IF_MATCH=tag),
    ]
    for response in attempts:
        assert response.status_code == status
        assert response.json() == {"detail": message}
    assert registry_state() == before


# --- validation ----------------------------------------------------------------------------------------


def test_model_rules_come_back_as_chinese_errors(world, as_persona):
    client = as_persona("owner")
    cadre = world["cadre"]
    Appraisal.objects.create(cadre=cadre, year=2023, grade="competent")
    duplicate = client.post(list_url(KINDS[5], cadre), {"year": 2023, "grade": "excellent"}, format="json")
    assert duplicate.status_code == 400
    body = duplicate.json()
    assert list(body["errors"]) == ["non_field_errors"]
    assert "已经存在" in body["detail"]

    backwards = client.post(
        list_url(KINDS[2], cadre),
        {"title": "局长", "start_date": "2021-06-01", "end_date": "2020-01-01"},
        format="json",
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"]

    bad_code = client.post(list_url(KINDS[0], cadre), {"kind": "full_time", "education": "XX"}, format="json")
    assert bad_code.status_code == 400
    assert "XX" in bad_code.json()["errors"]["education"][0]


def test_a_post_may_only_name_a_unit_in_scope(world, as_persona):
    response = as_persona("owner").post(
        list_url(KINDS[2], world["cadre"]),
        {"title": "局长", "start_date": "2021-06-01", "unit": world["finance_b"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
