"""The home page: figures scoped to the actor, none for the admin roles, a
fixed number of queries, and only local assets on every page."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import server_error

from accounts.models import Jurisdiction, Role, RoleAssignment, User
from cadre.dashboard import CadreFigures
from personnel.models import Cadre, CadreStatus, Code, CodeTable, Unit

pytestmark = pytest.mark.django_db


# --- data built directly with the ORM ------------------------------------------


def make_unit(name: str, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.create(name=name, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save()
    return unit


def code(table: CodeTable, value: str, name: str) -> Code:
    obj, _ = Code.objects.get_or_create(table=table, code=value, defaults={"name": name})
    return obj


def make_cadre(unit: Unit, name: str, *, sex: str = "1", born: tuple[int, int] = (1975, 6), **fields: object) -> Cadre:
    return Cadre.objects.create(name=name, sex=sex, birth_date=datetime.date(*born, 1), unit=unit, **fields)


def make_user(username: str, role: Role | None = None, **scope: object) -> User:
    user = User.objects.create_user(username, password="correct-horse-battery", display_name=f"{username}姓名")
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def jurisdiction(name: str, *roots: Unit) -> Jurisdiction:
    j = Jurisdiction.objects.create(name=name)
    j.root_units.set(roots)
    return j


@pytest.fixture
def county() -> dict[str, Unit]:
    """Two counties, each its own jurisdiction. 甲县 holds the cadres whose
    figures are checked; 乙县's must never show up for 甲县's officer."""
    cpc = code(CodeTable.POLITICAL, "01", "中共党员")
    probationary = code(CodeTable.POLITICAL, "02", "预备党员")
    league = code(CodeTable.POLITICAL, "05", "民盟")
    county_head = code(CodeTable.POST_LEVEL, "1A31", "县处级正职")
    section_deputy = code(CodeTable.POST_LEVEL, "1A42", "乡科级副职")
    clerk_level = code(CodeTable.POST_LEVEL, "1A50", "科员")

    jia = make_unit("甲县")
    finance = make_unit("甲县财政局", jia)
    town = make_unit("甲县城关镇", jia)
    office = make_unit("城关镇党政办", town)
    make_cadre(jia, "赵县长", post_level=county_head, political_status=cpc)
    make_cadre(finance, "钱局长", sex="2", post_level=section_deputy, political_status=league, born=(1985, 3))
    make_cadre(finance, "孙科员", sex="2", post_level=clerk_level, political_status=probationary, born=(1992, 1))
    make_cadre(office, "李科员", post_level=clerk_level, born=(1989, 12))
    make_cadre(office, "周退休", status=CadreStatus.RETIRED, post_level=county_head, political_status=league)

    yi = make_unit("乙县")
    yi_bureau = make_unit("乙县教育局", yi)
    for i in range(7):
        make_cadre(yi_bureau, f"乙县干部{i}", sex="2", political_status=league, born=(1991, 5))
    return {"jia": jia, "finance": finance, "town": town, "office": office, "yi": yi}


def figures_of(client: Client) -> CadreFigures:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    figures: CadreFigures = response.context["dashboard"].figures
    return figures


# --- who sees what -------------------------------------------------------------


def test_anonymous_is_redirected_to_login(client: Client) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_org_staff_sees_figures_of_their_jurisdiction_only(client: Client, county: dict[str, Unit]) -> None:
    jurisdiction("乙县管理范围", county["yi"])
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction("甲县管理范围", county["jia"]))
    client.force_login(officer)

    response = client.get(reverse("home"))

    figures = response.context["dashboard"].figures
    assert figures.units == 4
    assert figures.cadres == 4  # the retired cadre is not counted
    assert figures.leaders == 2  # 1A31 and 1A42, not 1A50
    assert figures.women == 2
    assert figures.non_cpc == 1  # 民盟; 预备党员 is a party member, unrecorded is neither
    assert figures.born_1980s == 2
    assert figures.born_1990s == 1
    # A single root is opened: its own cadres, then one row per unit under it.
    assert [(u.name, u.own_level, u.cadres) for u in figures.top_units] == [
        ("甲县", True, 1),
        ("甲县财政局", False, 2),
        ("甲县城关镇", False, 1),
    ]
    html = response.content.decode()
    assert 'data-figure="cadres">4<' in html
    assert "甲县（本级）" in html
    assert "乙县" not in html
    assert "组织部干部科工作人员" in html


def test_unit_clerk_sees_their_unit_subtree_only(client: Client, county: dict[str, Unit]) -> None:
    clerk = make_user("clerk", Role.UNIT_CLERK, unit=county["town"])
    client.force_login(clerk)

    figures = figures_of(client)

    assert (figures.units, figures.cadres, figures.leaders, figures.women) == (2, 1, 0, 0)
    # The town has no cadres of its own, so no 本级 row.
    assert [(u.name, u.own_level, u.cadres) for u in figures.top_units] == [("城关镇党政办", False, 1)]


def test_leader_with_two_roots_sees_each_root_counted(client: Client, county: dict[str, Unit]) -> None:
    leader = make_user("leader", Role.LEADER, jurisdiction=jurisdiction("两县", county["jia"], county["yi"]))
    client.force_login(leader)

    figures = figures_of(client)

    assert figures.cadres == 11
    assert sorted((u.name, u.own_level, u.cadres) for u in figures.top_units) == [
        ("乙县", False, 7),
        ("甲县", False, 4),
    ]


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_admin_roles_see_no_cadre_data(client: Client, county: dict[str, Unit], role: Role) -> None:
    client.force_login(make_user("admin", role))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.figures is None
    assert dashboard.role_labels == [role.label]
    html = response.content.decode()
    assert "data-figure" not in html
    assert "干部队伍概况" not in html
    for name in ("甲县", "乙县", "赵县长"):
        assert name not in html
    assert reverse("admin:index") in html
    assert "三员分立" in html


def test_user_without_role_sees_no_cadre_data(client: Client, county: dict[str, Unit]) -> None:
    client.force_login(make_user("newcomer"))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["dashboard"].figures is None
    assert "尚未分配角色" in response.content.decode()
    assert reverse("admin:index") not in response.content.decode()


def test_empty_jurisdiction_shows_zero_without_errors(client: Client) -> None:
    root = make_unit("空县")
    client.force_login(make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction("空县", root)))

    figures = figures_of(client)

    assert (figures.units, figures.cadres, figures.leaders) == (1, 0, 0)
    assert [(u.name, u.cadres) for u in figures.top_units] == [("空县", 0)]


# --- query count ---------------------------------------------------------------


def _home_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_units_and_cadres(client: Client) -> None:
    roots = [make_unit(f"县{i}") for i in range(2)]
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction("范围", *roots))
    for root in roots:
        make_cadre(make_unit(f"{root.name}下属单位", root), f"{root.name}干部")
    client.force_login(officer)
    small = _home_queries(client)

    for i in range(18):
        root = make_unit(f"新县{i}")
        officer_scope = Jurisdiction.objects.get(name="范围")
        officer_scope.root_units.add(root)
        for j in range(3):
            make_cadre(make_unit(f"新县{i}单位{j}", root), f"新县{i}干部{j}", sex=str(1 + j % 2))
    large = _home_queries(client)

    assert figures_of(client).cadres == 2 + 18 * 3
    assert large == small
    assert large <= 12


def test_home_query_count_does_not_grow_with_units_under_a_single_root(client: Client) -> None:
    root = make_unit("县")
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction("范围", root))
    make_cadre(root, "本级干部")
    for i in range(2):
        make_cadre(make_unit(f"部门{i}", root), f"部门{i}干部")
    client.force_login(officer)
    small = _home_queries(client)

    for i in range(2, 20):
        department = make_unit(f"部门{i}", root)
        make_cadre(make_unit(f"部门{i}下属", department), f"部门{i}干部")
    large = _home_queries(client)

    assert len(figures_of(client).top_units) == 1 + 20
    assert large == small


# --- assets --------------------------------------------------------------------


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href", "action", "srcset", "poster", "data"} and value is not None:
                self.urls.append(value)


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def _pages(client: Client, county: dict[str, Unit]) -> list[str]:
    pages = [client.get(reverse("accounts:login")).content.decode(), client.get("/no-such-page/").content.decode()]
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction("甲县管理范围", county["jia"]))
    for user in (officer, make_user("sysadmin", Role.SYSTEM_ADMIN), make_user("newcomer")):
        client.force_login(user)
        pages.append(client.get(reverse("home")).content.decode())
    return pages


def test_pages_reference_only_local_assets(client: Client, county: dict[str, Unit]) -> None:
    for html in _pages(client, county):
        urls = _references(html)
        assert urls
        remote = [u for u in urls if u.startswith(("http://", "https://", "//"))]
        assert remote == []
        assert "@import" not in html
        static = [u for u in urls if u.startswith(settings.STATIC_URL) or u.startswith("/" + settings.STATIC_URL)]
        assert any(u.endswith("css/app.css") for u in static)
        for url in static:
            relative = url.split(settings.STATIC_URL, 1)[1]
            assert finders.find(relative), f"missing static file {url}"


def test_stylesheet_loads_nothing_remote() -> None:
    css = Path(settings.BASE_DIR, "static/css/app.css").read_text(encoding="utf-8")

    assert "@import" not in css
    assert re.findall(r"url\(", css) == []
    assert '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif' in css


def test_error_pages_are_in_chinese(client: Client, rf: RequestFactory) -> None:
    not_found = client.get("/no-such-page/")
    # Rendered without a request context, the way Django renders it after a crash.
    crashed = server_error(rf.get("/"))

    assert not_found.status_code == 404
    assert "页面不存在" in not_found.content.decode()
    assert crashed.status_code == 500
    assert "系统暂时出错" in crashed.content.decode()
    assert not any(u.startswith(("http", "//")) for u in _references(crashed.content.decode()))
