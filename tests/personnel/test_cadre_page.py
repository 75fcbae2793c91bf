"""The cadre page: the national form's sections, computed values, tabs, the
photo and the history tab, each tried by the personas who may and may not
see the cadre."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.models import Role
from personnel import rules, services
from personnel.models import (
    Appraisal,
    Code,
    CodeTable,
    Education,
    EducationKind,
    FamilyMember,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
)
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db


def code(table: str, value: str) -> Code:
    return Code.objects.get(table=table, code=value)


def build_world() -> dict[str, Any]:
    """Two counties, each with its org department; a cadre of county A with
    every sub-record of the form filled in."""
    root_a = make_unit("甲县")
    unit_a = make_unit("甲县财政局", parent=root_a)
    other_a = make_unit("甲县教育局", parent=root_a)
    root_b = make_unit("乙县")
    unit_b = make_unit("乙县财政局", parent=root_b)
    jur_a = make_jurisdiction("甲县委组织部", root_a)
    jur_b = make_jurisdiction("乙县委组织部", root_b)
    cadre = make_cadre(
        unit_a,
        name="张建国",
        birth_date=datetime.date(1975, 3, 1),
        ethnicity=code(CodeTable.ETHNICITY, "01"),
        native_place="浙江杭州",
        birthplace="浙江宁波",
        political_status=code(CodeTable.POLITICAL, "01"),
        party_join_date=datetime.date(1996, 6, 1),
        work_start_date=datetime.date(1997, 7, 1),
        health=code(CodeTable.HEALTH, "1"),
        tech_title_text="经济师",
        expertise="财政预算管理",
        current_post="甲县财政局局长",
        current_post_date=datetime.date(2019, 4, 1),
        post_level=code(CodeTable.POST_LEVEL, "1A41"),
        post_level_date=datetime.date(2015, 3, 1),
    )
    Education.objects.create(
        cadre=cadre,
        kind=EducationKind.FULL_TIME,
        education=code(CodeTable.EDUCATION, "21"),
        school="浙江大学",
        major="财政学专业",
        is_highest=True,
    )
    Education.objects.create(
        cadre=cadre, kind=EducationKind.IN_SERVICE, education=code(CodeTable.EDUCATION, "11"), school="中央党校"
    )
    ResumeEntry.objects.create(
        cadre=cadre,
        start_date=datetime.date(1997, 7, 1),
        end_date=datetime.date(2019, 4, 1),
        content="甲县财政局科员、副局长",
        note="2008.09--2011.06在中央党校在职研究生学习",
        sort_order=1,
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=datetime.date(2019, 4, 1), content="甲县财政局局长", sort_order=2
    )
    PostHeld.objects.create(
        cadre=cadre, unit=unit_a, title="局长", start_date=datetime.date(2019, 4, 1), document_no="甲委〔2019〕12号"
    )
    FamilyMember.objects.create(
        cadre=cadre,
        relation=Code.objects.filter(table=CodeTable.RELATION, name="妻子").first(),
        name="刘芳",
        birth_date=datetime.date(1977, 5, 1),
        political_status=code(CodeTable.POLITICAL, "01"),
        work_unit_and_post="甲县第一中学教师",
        id_number="330102197705010028",
    )
    RewardPunishment.objects.create(cadre=cadre, kind="reward", title="记三等功", date=datetime.date(2018, 12, 1))
    Appraisal.objects.create(cadre=cadre, year=2022, grade="excellent")
    Appraisal.objects.create(cadre=cadre, year=2023, grade="competent")
    return {
        "cadre": cadre,
        "unit_a": unit_a,
        "other_a": other_a,
        "unit_b": unit_b,
        "org_a": make_user("org_a", Role.ORG_STAFF, jurisdiction=jur_a),
        "org_a2": make_user("org_a2", Role.ORG_STAFF, jurisdiction=jur_a),
        "org_b": make_user("org_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "clerk_a": make_user("clerk_a", Role.UNIT_CLERK, unit=unit_a),
        "clerk_other_a": make_user("clerk_other_a", Role.UNIT_CLERK, unit=other_a),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=unit_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
    }


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(cadre: Any, **params: str) -> str:
    url = reverse("personnel:cadre-detail", kwargs={"cadre_id": cadre.pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


# --- the record sheet --------------------------------------------------------------


def test_org_staff_sees_every_section_of_the_national_form(world):
    response = client_for(world["org_a"]).get(detail_url(world["cadre"]))
    assert response.status_code == 200
    body = response.content.decode()
    for label in (
        "干部任免审批表",
        "姓　名",
        "性　别",
        "出生年月",
        "民　族",
        "籍　贯",
        "出生地",
        "入　党",
        "参加工",
        "健康状况",
        "专业技",
        "熟悉专业",
        "全日制教育",
        "在职教育",
        "毕业院校",
        "现任职务",
        "简<br><br><br>历",
        "奖　惩",
        "年　度",
        "家庭主要成员及重要社会关系",
    ):
        assert label in body, label
    for value in (
        "张建国",
        "1975.03",
        "汉族",
        "浙江杭州",
        "浙江宁波",
        "1996.06",
        "1997.07",
        "健康",
        "经济师",
        "财政预算管理",
        "浙江大学财政学专业",
        "中央党校",
        "甲县财政局局长",
        "1997.07--2019.04",
        "（其间：2008.09--2011.06在中央党校在职研究生学习）",
        "2019.04--",
        "记三等功",
        "2022年度考核优秀；2023年度考核称职",
        "刘芳",
        "甲县第一中学教师",
    ):
        assert value in body, value
    assert reverse("personnel:cadre-photo", kwargs={"cadre_id": world["cadre"].pk}) in body


def test_computed_values_are_shown(world):
    cadre = world["cadre"]
    today = timezone.localdate()
    response = client_for(world["org_a"]).get(detail_url(cadre))
    body = response.content.decode()
    assert f'<span data-fact="age">{rules.age_at(cadre.birth_date, today)}</span>' in body
    years_in_post = rules.full_years_between(datetime.date(2019, 4, 1), today)
    assert f'<span data-fact="years-in-post">{years_in_post}</span>' in body
    years_at_level = rules.full_years_between(datetime.date(2015, 3, 1), today)
    assert f'<span data-fact="years-at-level">{years_at_level}</span>' in body
    # Born 1975-03, a man: 60 years → 2035-03, delayed 31 months (DOMAIN.md 6.1).
    assert '<dd data-fact="retirement">2037年10月</dd>' in body
    months = rules.months_until(datetime.date(2037, 10, 1), today)
    assert f'<span data-fact="months-to-retirement">{months}</span>' in body


def test_age_at_a_chosen_reference_date(world):
    response = client_for(world["org_a"]).get(detail_url(world["cadre"], at="2020.06"))
    body = response.content.decode()
    assert '<span data-fact="age-at">45</span>' in body
    assert "（45岁）" in body  # the form's 出生年月（岁） uses the reference date


def test_bad_reference_date_is_a_chinese_error_not_a_crash(world):
    response = client_for(world["org_a"]).get(detail_url(world["cadre"], at="2020.13"))
    assert response.status_code == 200
    assert "请输入有效的年月" in response.content.decode()


def test_generation_label(world):
    young = make_cadre(world["unit_a"], name="陈晓燕", sex="2", birth_date=datetime.date(1988, 11, 1))
    body = client_for(world["org_a"]).get(detail_url(young)).content.decode()
    assert '<dd data-fact="generation">80后</dd>' in body


def test_party_name_shown_for_non_communist_cadre(world):
    cadre = make_cadre(world["unit_a"], name="王民盟", political_status=code(CodeTable.POLITICAL, "05"))
    body = client_for(world["org_a"]).get(detail_url(cadre)).content.decode()
    assert '<td data-field="party_join_date">民盟</td>' in body


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("posts", "甲委〔2019〕12号"),
        ("resume", "甲县财政局科员、副局长"),
        ("family", "330102197705010028"),
        ("rewards", "记三等功"),
        ("history", "历史记录"),
    ],
)
def test_each_tab_shows_its_records(world, tab, expected):
    response = client_for(world["org_a"]).get(detail_url(world["cadre"], tab=tab))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_leader_reads_but_gets_no_edit_button(world):
    response = client_for(world["leader_a"]).get(detail_url(world["cadre"]))
    assert response.status_code == 200
    assert reverse("personnel:cadre-edit", kwargs={"cadre_id": world["cadre"].pk}) not in response.content.decode()


def test_clerk_sees_own_units_cadre_with_a_change_request_button(world):
    response = client_for(world["clerk_a"]).get(detail_url(world["cadre"]))
    assert response.status_code == 200
    assert "提出变更申请" in response.content.decode()


@pytest.mark.parametrize("persona", ["clerk_b", "clerk_other_a", "org_b"])
def test_out_of_scope_is_not_found(world, persona):
    client = client_for(world[persona])
    assert client.get(detail_url(world["cadre"])).status_code == 404
    assert client.get(detail_url(world["cadre"], tab="history")).status_code == 404


def test_anonymous_is_sent_to_login(world):
    response = Client().get(detail_url(world["cadre"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_missing_cadre_is_not_found(world):
    assert client_for(world["org_a"]).get("/cadres/999999/").status_code == 404


# --- the photo ------------------------------------------------------------------


def photo_url(cadre: Any) -> str:
    return reverse("personnel:cadre-photo", kwargs={"cadre_id": cadre.pk})


def test_photo_is_served_to_those_who_may_see_the_cadre(world):
    Photo.objects.create(cadre=world["cadre"], data=b"\xff\xd8\xff\xe0jpeg")
    for persona in ("org_a", "leader_a", "clerk_a"):
        response = client_for(world[persona]).get(photo_url(world["cadre"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response.content == b"\xff\xd8\xff\xe0jpeg"
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["clerk_b", "clerk_other_a", "org_b"])
def test_photo_out_of_scope_is_not_found(world, persona):
    Photo.objects.create(cadre=world["cadre"], data=b"\xff\xd8\xff\xe0jpeg")
    response = client_for(world[persona]).get(photo_url(world["cadre"]))
    assert response.status_code == 404
    assert b"jpeg" not in response.content


def test_missing_photo_gives_a_placeholder(world):
    response = client_for(world["org_a"]).get(photo_url(world["cadre"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_photo_with_an_unsafe_content_type_is_sent_as_an_image(world):
    Photo.objects.create(cadre=world["cadre"], data=b"<script>alert(1)</script>", content_type="text/html")
    response = client_for(world["org_a"]).get(photo_url(world["cadre"]))
    assert response["Content-Type"] == "image/jpeg"


# --- the history tab ----------------------------------------------------------------


def form_data(cadre: Any, **changes: Any) -> dict[str, Any]:
    """The edit form's fields filled with the record's current values (as
    the page shows them, version included), then ``changes``."""
    from personnel.forms import CadreForm

    cadre.refresh_from_db()
    form = CadreForm(instance=cadre, actor=SYSTEM)
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    data["birth_date"] = f"{cadre.birth_date:%Y.%m}"
    for name in ("party_join_date", "work_start_date", "current_post_date", "post_level_date", "rank_date"):
        value = getattr(cadre, name)
        data[name] = f"{value:%Y.%m}" if value else ""
    data["unit"] = cadre.unit_id
    data.update(changes)
    return data


def edit(client: Client, cadre: Any, **changes: Any) -> Any:
    """Post the edit form with the record's current values and some changes."""
    return client.post(reverse("personnel:cadre-edit", kwargs={"cadre_id": cadre.pk}), form_data(cadre, **changes))


def test_history_shows_field_changes_with_who_made_them(world):
    cadre = world["cadre"]
    officer = client_for(world["org_a"])
    response = edit(officer, cadre, expertise="国有资产管理", ethnicity=code(CodeTable.ETHNICITY, "03").pk)
    assert response.status_code == 302
    body = officer.get(detail_url(cadre, tab="history")).content.decode()
    assert "熟悉专业有何专长" in body
    assert "财政预算管理" in body and "国有资产管理" in body
    # Codes are shown by name, not by id.
    assert '<td class="rec-old">汉族</td>' in body
    assert '<td class="rec-new">回族</td>' in body
    assert '<span class="rec-event-user" data-user>org_a</span>' in body
    # Bookkeeping columns never show.
    assert "版本</th>" not in body and "修改时间" not in body


def test_history_names_the_approved_change_request(world):
    cadre = world["cadre"]
    request = services.change_request_submit(actor=world["clerk_a"], cadre=cadre, changes={"expertise": "审计"})
    services.change_request_approve(actor=world["org_a"], change_request=request)
    body = client_for(world["org_a"]).get(detail_url(cadre, tab="history")).content.decode()
    assert f"经变更申请 #{request.pk} 审核通过" in body
    assert '<span class="rec-event-user" data-user>org_a</span>' in body


def test_history_includes_sub_record_changes(world):
    cadre = world["cadre"]
    member = cadre.family.get()
    member.work_unit_and_post = "甲县第二中学校长"
    services.subrecord_save(actor=world["org_a2"], record=member)
    body = client_for(world["org_a"]).get(detail_url(cadre, tab="history")).content.decode()
    assert "修改家庭成员及社会关系" in body
    assert "甲县第二中学校长" in body
    assert '<span class="rec-event-user" data-user>org_a2</span>' in body


def history_queries(client: Client, cadre: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(cadre, tab="history"))
    assert response.status_code == 200
    return len(queries)


def test_history_tab_takes_a_fixed_number_of_queries(world):
    cadre = world["cadre"]
    client = client_for(world["org_a"])
    ethnicities = list(Code.objects.filter(table=CodeTable.ETHNICITY)[:12])
    units = [world["unit_a"], world["other_a"]]

    def changes(n: int) -> None:
        for i in range(n):
            cadre.refresh_from_db()
            services.cadre_update(
                actor=world["org_a"] if i % 2 else world["org_a2"],
                cadre=cadre,
                data={"ethnicity": ethnicities[i % len(ethnicities)], "unit": units[i % 2], "note": f"第{i}次"},
            )

    changes(2)
    few = history_queries(client, cadre)
    changes(10)
    many = history_queries(client, cadre)
    assert few == many


def test_history_is_paginated(world):
    cadre = world["cadre"]
    for i in range(25):
        cadre.refresh_from_db()
        services.cadre_update(actor=world["org_a"], cadre=cadre, data={"note": f"备注{i}"})
    client = client_for(world["org_a"])
    first = client.get(detail_url(cadre, tab="history")).content.decode()
    assert "第 1 / " in first
    assert "备注24" in first
    second = client.get(detail_url(cadre, tab="history", page="2")).content.decode()
    assert "第 2 / " in second
    assert "备注24" not in second


def test_record_sheet_takes_a_fixed_number_of_queries(world):
    cadre = world["cadre"]
    client = client_for(world["org_a"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            for tab in ("basic", "posts", "resume", "family", "rewards"):
                assert client.get(detail_url(cadre, tab=tab)).status_code == 200
        return len(queries)

    few = count()
    relation = Code.objects.filter(table=CodeTable.RELATION).first()
    for i in range(5):
        FamilyMember.objects.create(cadre=cadre, relation=relation, name=f"亲属{i}")
        ResumeEntry.objects.create(cadre=cadre, start_date=datetime.date(1990 + i, 1, 1), content=f"经历{i}")
        PostHeld.objects.create(
            cadre=cadre, unit=world["other_a"], title=f"职务{i}", start_date=datetime.date(2000, 1, 1)
        )
        Education.objects.create(cadre=cadre, kind=EducationKind.IN_SERVICE, education=code(CodeTable.EDUCATION, "11"))
        Appraisal.objects.create(cadre=cadre, year=2000 + i, grade="competent")
    assert count() == few
