"""The unit tree and a unit's page with its leadership team: figures
(quota, vacancies, average age), scope (out of scope is 404), and query
counts that do not grow with the data."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from personnel.models import CadreStatus, Code, CodeTable, LeadershipQuota
from personnel.unit_selectors import TREE_MAX_NODES
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-30"


def level(value):
    return Code.objects.get(table=CodeTable.POST_LEVEL, code=value)


def ethnicity(value):
    return Code.objects.get(table=CodeTable.ETHNICITY, code=value)


def political(value):
    return Code.objects.get(table=CodeTable.POLITICAL, code=value)


@pytest.fixture
def world():
    root = make_unit("甲县")
    finance = make_unit("甲县财政局", parent=root)
    office = make_unit("财政局办公室", parent=finance)
    school = make_unit("甲县实验学校", parent=root)
    other_root = make_unit("乙县")
    other = make_unit("乙县财政局", parent=other_root)
    LeadershipQuota.objects.create(unit=finance, post_level=level("1A41"), count=1)
    LeadershipQuota.objects.create(unit=finance, post_level=level("1A42"), count=3)
    # Ages at AS_OF: 50, 45, 40 → average 45.0.
    make_cadre(
        finance,
        name="局长甲",
        birth_date=datetime.date(1976, 1, 1),
        post_level=level("1A41"),
        current_post="局长",
        current_post_date=datetime.date(2020, 3, 1),
        political_status=political("01"),
    )
    make_cadre(
        finance,
        name="副局长乙",
        sex="2",
        birth_date=datetime.date(1981, 6, 1),
        post_level=level("1A42"),
        current_post="副局长",
        political_status=political("05"),
        ethnicity=ethnicity("03"),
    )
    make_cadre(finance, name="副局长丙", birth_date=datetime.date(1986, 6, 30), post_level=level("1A42"))
    # Not members: a 科员, a retired deputy, a deputy of a sub-unit.
    make_cadre(finance, name="科员丁", post_level=level("1A50"))
    make_cadre(finance, name="退休戊", post_level=level("1A42"), status=CadreStatus.RETIRED)
    make_cadre(office, name="主任己", post_level=level("1A42"))
    make_cadre(school, name="校长庚", post_level=level("1A32"))
    make_cadre(other, name="乙县人")
    jur_a = make_jurisdiction("甲县委组织部", root)
    jur_b = make_jurisdiction("乙县委组织部", other_root)
    return {
        "root": root,
        "finance": finance,
        "office": office,
        "school": school,
        "other": other,
        "org_staff_a": make_user("org_staff_a", Role.ORG_STAFF, jurisdiction=jur_a),
        "org_staff_b": make_user("org_staff_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
        "clerk_finance": make_user("clerk_finance", Role.UNIT_CLERK, unit=finance),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=other),
        "security_admin": make_user("security_admin", Role.SECURITY_ADMIN),
    }


def get(client, world, persona, url, **params):
    client.force_login(world[persona])
    return client.get(url, params)


def figure(body, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert match, name
    return match.group(1)


def unit_url(unit):
    return f"/units/{unit.pk}/"


# --- the unit page ------------------------------------------------------------------------------


def test_leadership_team_quota_vacancies_and_average_age(client, world):
    response = get(client, world, "org_staff_a", unit_url(world["finance"]), as_of=AS_OF)
    assert response.status_code == 200
    page = response.context["page"]
    assert [m.cadre.name for m in page.members] == ["局长甲", "副局长乙", "副局长丙"]
    assert [m.age for m in page.members] == [50, 45, 40]
    assert page.average_age == Decimal("45.0")
    assert [(row.code, row.quota, row.actual, row.vacancies) for row in page.levels] == [
        ("1A41", 1, 1, 0),
        ("1A42", 3, 2, 1),
    ]
    assert (page.quota_total, page.vacancies_total, page.over_total) == (4, 1, 0)
    assert (page.women, page.non_cpc, page.minorities) == (1, 1, 1)
    assert (page.own_cadres, page.total_cadres) == (4, 5)  # active: 4 here, 1 in the office
    body = response.content.decode()
    assert figure(body, "members") == "3"
    assert figure(body, "quota") == "4"
    assert figure(body, "vacancies") == "1"
    assert figure(body, "average_age") == "45.0"
    assert "领导班子" in body and "乡科级副职" in body and "缺配 1 名" in body
    assert "财政局办公室" in body  # sub-unit
    assert "科员丁" not in body and "退休戊" not in body and "主任己" not in body
    assert f"/cadres/?unit={world['finance'].pk}" in body


def test_over_quota_and_unset_quota_are_flagged(client, world):
    school = world["school"]
    LeadershipQuota.objects.create(unit=school, post_level=level("1A41"), count=1)
    make_cadre(school, name="副校长", post_level=level("1A42"))
    make_cadre(school, name="校长二", post_level=level("1A41"))
    make_cadre(school, name="校长三", post_level=level("1A41"))
    page = get(client, world, "org_staff_a", unit_url(school), as_of=AS_OF).context["page"]
    rows = {row.code: row for row in page.levels}
    assert (rows["1A41"].quota, rows["1A41"].actual, rows["1A41"].over, rows["1A41"].vacancies) == (1, 2, 1, 0)
    assert rows["1A32"].quota is None and rows["1A42"].quota is None
    # An excess at one level does not fill another's vacancy, and an
    # unset quota gives no vacancy.
    assert (page.vacancies_total, page.over_total) == (0, 1 + 1 + 1)
    body = get(client, world, "org_staff_a", unit_url(school)).content.decode()
    assert "超职数 1 名" in body and "未核定职数" in body


def test_unit_without_a_quota(client, world):
    response = get(client, world, "org_staff_a", unit_url(world["office"]))
    page = response.context["page"]
    assert [m.cadre.name for m in page.members] == ["主任己"]
    assert [(row.code, row.quota, row.actual, row.vacancies) for row in page.levels] == [("1A42", None, 1, 0)]
    assert not page.quota_set and page.vacancies_total == 0
    body = response.content.decode()
    assert figure(body, "quota") == "—"
    assert "未核定" in body


def test_breadcrumbs_stay_within_scope(client, world):
    body = get(client, world, "clerk_finance", unit_url(world["office"])).content.decode()
    assert "甲县财政局" in body  # the clerk's own unit
    assert ">甲县<" not in body  # its parent is outside the clerk's scope


@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("org_staff_b", "finance"),
        ("clerk_b", "finance"),
        ("clerk_finance", "school"),
        ("clerk_finance", "root"),
        ("org_staff_a", "other"),
    ],
)
def test_out_of_scope_unit_is_not_found(client, world, persona, unit):
    response = get(client, world, persona, unit_url(world[unit]))
    assert response.status_code == 404
    assert "局长甲" not in response.content.decode()


def test_missing_unit_is_not_found(client, world):
    assert get(client, world, "org_staff_a", "/units/999999999/").status_code == 404


def test_clerk_and_leader_read_their_units(client, world):
    assert get(client, world, "clerk_finance", unit_url(world["finance"])).status_code == 200
    assert get(client, world, "clerk_finance", unit_url(world["office"])).status_code == 200
    assert get(client, world, "leader_a", unit_url(world["root"])).status_code == 200


def test_admin_roles_and_anonymous(client, world):
    assert get(client, world, "security_admin", unit_url(world["finance"])).status_code == 403
    assert get(client, world, "security_admin", "/units/").status_code == 403
    client.logout()
    assert client.get("/units/").status_code == 302


def test_bad_as_of_falls_back_to_today(client, world):
    response = get(client, world, "org_staff_a", unit_url(world["finance"]), as_of="0001-01-01")
    assert response.status_code == 200
    assert response.context["page"].as_of == datetime.date.today()


# --- the tree -------------------------------------------------------------------------------------------


def tree_counts(body):
    """{unit id: (own, total)} from the tree's count badges."""
    return {
        int(pk): (int(own), int(total))
        for pk, own, total in re.findall(r'data-unit="(\d+)" data-own="(\d+)" data-total="(\d+)"', body)
    }


def test_tree_shows_the_scope_with_counts(client, world):
    response = get(client, world, "org_staff_a", "/units/")
    assert response.status_code == 200
    body = response.content.decode()
    counts = tree_counts(body)
    w = world
    assert counts == {
        w["root"].pk: (0, 6),
        w["finance"].pk: (4, 5),
        w["office"].pk: (1, 1),
        w["school"].pk: (1, 1),
    }
    assert figure(body, "units") == "4" and figure(body, "cadres") == "6"
    assert "乙县" not in body
    # Depth-first: the office sits under the finance bureau, before the school.
    assert body.index("甲县财政局") < body.index("财政局办公室") < body.index("甲县实验学校")
    # Well-formed nesting: every opened list is closed.
    tree = body[body.index('<ul class="unit-tree"') : body.index("</main>")]
    assert tree.count("<ul") == tree.count("</ul>")
    assert tree.count("<details") == tree.count("</details>")
    assert tree.count("<li>") == tree.count("</li>")


def test_clerk_tree_is_their_subtree(client, world):
    counts = tree_counts(get(client, world, "clerk_finance", "/units/").content.decode())
    assert counts == {world["finance"].pk: (4, 5), world["office"].pk: (1, 1)}
    counts = tree_counts(get(client, world, "clerk_b", "/units/").content.decode())
    assert counts == {world["other"].pk: (1, 1)}


def test_big_tree_is_cut_to_whole_levels(client, world, monkeypatch):
    from personnel import unit_selectors

    monkeypatch.setattr(unit_selectors, "TREE_MAX_NODES", 3)
    body = get(client, world, "org_staff_a", "/units/").content.decode()
    counts = tree_counts(body)
    # Root and its two children fit; the office (third level) is cut.
    assert set(counts) == {world["root"].pk, world["finance"].pk, world["school"].pk}
    assert counts[world["finance"].pk] == (4, 5)
    assert "下级单位 1 个" in body
    assert TREE_MAX_NODES >= 1000


# --- queries ----------------------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"as_of": AS_OF})
    assert response.status_code == 200
    return len(queries)


def test_unit_page_and_tree_queries_do_not_grow(client, world):
    client.force_login(world["org_staff_a"])
    finance = world["finance"]
    page_before = _count(client, unit_url(finance))
    tree_before = _count(client, "/units/")
    for i in range(20):
        sub = make_unit(f"科室{i}", parent=finance)
        make_cadre(sub, name=f"科长{i}", post_level=level("1A42"))
        make_cadre(finance, name=f"副局{i}", post_level=level("1A42"), rank=Code.objects.get(table="ZJ2019", code="09"))
    assert _count(client, unit_url(finance)) == page_before
    assert _count(client, "/units/") == tree_before
