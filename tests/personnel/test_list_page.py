"""The cadre list page (干部名册): search and filters in Chinese, scope, the
state in the URL, the column chooser, errors instead of failures, and a
query count that does not grow with the rows."""

from __future__ import annotations

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from personnel import unit_selectors
from personnel.exports import COLUMNS, DEFAULT_COLUMN_KEYS, mask_id_number
from personnel.models import CadreStatus, Code, CodeTable, Education, EducationKind
from personnel.views import browse
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-30"
LIST = "/cadres/"


def code(table, value):
    return Code.objects.get(table=table, code=value)


@pytest.fixture
def world():
    root = make_unit("甲县")
    finance = make_unit("甲县财政局", parent=root)
    office = make_unit("财政局办公室", parent=finance)
    school = make_unit("甲县实验学校", parent=root)
    other_root = make_unit("乙县")
    other = make_unit("乙县财政局", parent=other_root)
    jur_a = make_jurisdiction("甲县委组织部", root)
    jur_b = make_jurisdiction("乙县委组织部", other_root)
    zhang = make_cadre(
        finance,
        name="张三",
        birth_date=datetime.date(1985, 3, 1),
        political_status=code(CodeTable.POLITICAL, "01"),
        post_level=code(CodeTable.POST_LEVEL, "1A41"),
        rank=code(CodeTable.RANK, "07"),
        current_post="甲县财政局局长",
        current_post_date=datetime.date(2015, 1, 1),
        native_place="河北清河",
        ethnicity=code(CodeTable.ETHNICITY, "01"),
    )
    li = make_cadre(
        school,
        name="李四",
        sex="2",
        birth_date=datetime.date(1992, 8, 1),
        political_status=code(CodeTable.POLITICAL, "05"),
        post_level=code(CodeTable.POST_LEVEL, "1A42"),
        current_post_date=datetime.date(2024, 1, 1),
        ethnicity=code(CodeTable.ETHNICITY, "03"),
    )
    wang = make_cadre(
        office,
        name="王五",
        birth_date=datetime.date(1970, 11, 1),
        post_level=code(CodeTable.POST_LEVEL, "1A50"),
    )
    retired = make_cadre(finance, name="赵六", birth_date=datetime.date(1960, 1, 1), status=CadreStatus.RETIRED)
    Education.objects.create(cadre=zhang, kind=EducationKind.FULL_TIME, education=code(CodeTable.EDUCATION, "21"))
    Education.objects.create(cadre=li, kind=EducationKind.FULL_TIME, education=code(CodeTable.EDUCATION, "31"))
    Education.objects.create(cadre=li, kind=EducationKind.IN_SERVICE, education=code(CodeTable.EDUCATION, "11"))
    outsider = make_cadre(other, name="张山")
    return {
        "root": root,
        "finance": finance,
        "office": office,
        "school": school,
        "other": other,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "retired": retired,
        "outsider": outsider,
        "org_staff_a": make_user("org_staff_a", Role.ORG_STAFF, jurisdiction=jur_a),
        "org_staff_b": make_user("org_staff_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
        "clerk_finance": make_user("clerk_finance", Role.UNIT_CLERK, unit=finance),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=other),
        "system_admin": make_user("system_admin", Role.SYSTEM_ADMIN),
    }


def get(client, world, persona, url=LIST, **params):
    client.force_login(world[persona])
    return client.get(url, params)


def listed(response) -> list[str]:
    """The names in the table, in order."""
    body = response.content.decode()
    return [unescape(name) for name in re.findall(r'<th scope="row" class="name-col"><a [^>]*>([^<]+)</a>', body)]


def header(response) -> list[str]:
    body = response.content.decode()
    table = re.search(r"<thead>(.*?)</thead>", body, re.S)
    assert table, "no table"
    cells = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells][1:]  # without 序号


def field_errors(response) -> list[str]:
    return [unescape(e) for e in re.findall(r'class="field-error">([^<]*)<', response.content.decode())]


# --- what is listed -------------------------------------------------------------------------


def test_org_staff_sees_their_jurisdictions_cadres_in_office_in_chinese(client, world):
    response = get(client, world, "org_staff_a", as_of=AS_OF)
    assert response.status_code == 200
    body = response.content.decode()
    assert sorted(listed(response)) == sorted(["张三", "李四", "王五"])  # 赵六 is retired, 张山 elsewhere
    assert header(response) == [c.label for c in COLUMNS if c.key in DEFAULT_COLUMN_KEYS]
    assert "干部名册" in body and 'data-figure="total">3<' in body
    assert "甲县财政局局长" in body and "河北清河" in body and "乡科级正职" in body
    assert "大学" in body and "专科教育" not in body.split("<table", 1)[1]
    assert "大专，在职研究生" in body  # in-service education shown when higher
    assert response["Cache-Control"].startswith("max-age=0")


def test_status_all_includes_retired_cadres(client, world):
    response = get(client, world, "org_staff_a", status="")
    assert "赵六" in listed(response)
    response = get(client, world, "org_staff_a", status="retired")
    assert listed(response) == ["赵六"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("zhangsan", ["张三"]),
        ("张三", ["张三"]),
        ("实验学校", ["李四"]),
        ("财政局", ["张三"]),  # unit name: the office's name contains 财政局 too
        ("ls", ["李四"]),
    ],
)
def test_search_box(client, world, query, expected):
    names = listed(get(client, world, "org_staff_a", q=query))
    if query == "财政局":
        assert sorted(names) == ["张三", "王五"]
    else:
        assert names == expected


def test_search_by_id_number_and_last_digits(client, world):
    number = world["zhang"].id_number
    assert listed(get(client, world, "org_staff_a", q=number)) == ["张三"]
    assert listed(get(client, world, "org_staff_a", q=number[-6:])) == ["张三"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "finance"}, ["张三", "王五"]),  # the subtree
        ({"unit": "office"}, ["王五"]),
        ({"sex": "2"}, ["李四"]),
        ({"ethnicity": "03"}, ["李四"]),
        ({"age_min": "40", "age_max": "45"}, ["张三"]),
        ({"age_min": "55", "as_of": "2026-06-30"}, ["王五"]),
        ({"age_min": "56", "as_of": "2026-11-01"}, ["王五"]),
        ({"birth_year_from": "1980", "birth_year_to": "1990"}, ["张三"]),
        ({"post_level": ["1A41", "1A42"]}, ["张三", "李四"]),  # checkboxes: repeated
        ({"post_level": "1A41,1A42"}, ["张三", "李四"]),  # API style: commas
        ({"rank": "07"}, ["张三"]),
        ({"education": ["1", "2"]}, ["张三", "李四"]),  # 本科及以上, any kind
        ({"education": ["1", "2"], "education_full_time": "true"}, ["张三"]),
        ({"party": "cpc"}, ["张三"]),
        ({"party": "non_cpc"}, ["李四"]),
        ({"identity_category": "civil_servant"}, ["张三", "李四", "王五"]),
        ({"generation": "90"}, ["李四"]),
        ({"generation": "80"}, ["张三"]),
        ({"years_in_post_min": "10"}, ["张三"]),
    ],
)
def test_filters(client, world, params, expected):
    params = dict(params)
    if "unit" in params:
        params["unit"] = world[params["unit"]].pk
    params.setdefault("as_of", AS_OF)
    response = get(client, world, "org_staff_a", **params)
    assert response.status_code == 200
    assert not field_errors(response)
    assert sorted(listed(response)) == sorted(expected)


def test_retiring_within_months(client, world):
    # 王五, a man born 1970-11, reaches 60 in 2030-11; the 2025 reform adds
    # ⌊(71−1)/4⌋+1 = 18 months (capped at 36): retirement 2032-05.
    response = get(client, world, "org_staff_a", retiring_within_months="71", as_of="2026-06-30")
    assert listed(response) == ["王五"]
    response = get(client, world, "org_staff_a", retiring_within_months="70", as_of="2026-06-30")
    assert listed(response) == []


# --- scope ------------------------------------------------------------------------------------


def test_org_staff_of_another_jurisdiction_sees_none_of_unit_a(client, world):
    response = get(client, world, "org_staff_b", status="")
    assert listed(response) == ["张山"]
    for params in ({"unit": world["finance"].pk}, {"q": "张三"}, {"q": world["zhang"].id_number}, {"q": "zs"}):
        response = get(client, world, "org_staff_b", **params)
        assert listed(response) == (["张山"] if params.get("q") == "zs" else [])  # 张山 is theirs
        # The search box echoes the query; nothing of the record shows.
        assert "甲县财政局局长" not in response.content.decode()
    # The unit select offers only their own units.
    assert "甲县财政局" not in get(client, world, "org_staff_b").content.decode()


def test_clerk_of_another_unit_sees_none_of_unit_a(client, world):
    response = get(client, world, "clerk_b", status="")
    assert listed(response) == ["张山"]
    response = get(client, world, "clerk_b", unit=world["finance"].pk)
    assert listed(response) == []
    assert "甲县" not in response.content.decode()


def test_clerk_sees_only_their_subtree(client, world):
    response = get(client, world, "clerk_finance", status="")
    assert sorted(listed(response)) == ["张三", "王五", "赵六"]
    # A unit outside the subtree (even its parent) gives nothing beyond it.
    assert listed(get(client, world, "clerk_finance", unit=world["school"].pk)) == []
    assert sorted(listed(get(client, world, "clerk_finance", unit=world["root"].pk))) == ["张三", "王五"]


def test_leader_reads_the_list(client, world):
    assert sorted(listed(get(client, world, "leader_a"))) == ["张三", "李四", "王五"]


@pytest.mark.parametrize("persona", ["system_admin"])
def test_admin_roles_see_no_cadre_list(client, world, persona):
    response = get(client, world, persona)
    assert response.status_code == 403
    assert "张三" not in response.content.decode()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_writes_are_refused(client, world):
    client.force_login(world["org_staff_a"])
    assert client.post(LIST, {"q": "x"}).status_code == 405


def unit_options(response) -> list[str]:
    body = response.content.decode()
    select = re.search(r'<select id="id_unit" name="unit">(.*?)</select>', body, re.S)
    assert select
    return [unescape(label).strip("\u3000") for label in re.findall(r"<option [^>]*>([^<]*)</option>", select.group(1))]


def test_unit_select_shows_whole_levels_and_drills_down(client, world, monkeypatch):
    assert unit_options(get(client, world, "org_staff_a")) == [
        "全部单位",
        "甲县",
        "甲县财政局",
        "财政局办公室",
        "甲县实验学校",
    ]
    monkeypatch.setattr(unit_selectors, "UNIT_CHOICE_MAX", 3)
    # The third level would pass the limit: it is left out ...
    assert unit_options(get(client, world, "org_staff_a")) == ["全部单位", "甲县", "甲县财政局", "甲县实验学校"]
    # ... until its parent is chosen; a chosen deep unit shows with its ancestors.
    finance = get(client, world, "org_staff_a", unit=world["finance"].pk)
    assert unit_options(finance) == ["全部单位", "甲县", "甲县财政局", "财政局办公室", "甲县实验学校"]
    assert f'<option value="{world["finance"].pk}" selected>' in finance.content.decode()
    monkeypatch.setattr(unit_selectors, "UNIT_CHOICE_MAX", 1)
    office = get(client, world, "org_staff_a", unit=world["office"].pk)
    assert unit_options(office) == ["全部单位", "甲县", "甲县财政局", "财政局办公室"]
    # A clerk's select starts at their own unit.
    assert unit_options(get(client, world, "clerk_finance")) == ["全部单位", "甲县财政局"]


# --- ID numbers -------------------------------------------------------------------------------


def test_id_number_full_for_org_staff_masked_for_others(client, world):
    number = world["zhang"].id_number
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]
    staff = get(client, world, "org_staff_a", cols="id_number").content.decode()
    assert number in staff
    for persona in ("leader_a", "clerk_finance"):
        body = get(client, world, persona, cols="id_number").content.decode()
        assert number not in body
        assert masked in body


# --- state in the URL, sorting, paging, columns -------------------------------------------------------


def test_url_state_round_trips(client, world):
    params = {
        "q": "张",
        "unit": str(world["root"].pk),
        "sex": "1",
        "status": "active",
        "age_min": "30",
        "age_max": "50",
        "as_of": AS_OF,
        "post_level": ["1A41", "1A42"],
        "education": ["2"],
        "education_full_time": "true",
        "party": "cpc",
        "generation": "80",
        "cols": ["name", "age", "unit"],
        "ordering": "-birth_date",
        "page_size": "50",
    }
    response = get(client, world, "org_staff_a", **params)
    body = response.content.decode()
    assert listed(response) == ["张三"]
    assert 'name="q" value="张"' in body
    assert f'<option value="{world["root"].pk}" selected>' in body
    assert '<option value="1" selected>男</option>' in body
    assert 'name="age_min" value="30"' in body and 'name="age_max" value="50"' in body
    assert f'name="as_of" value="{AS_OF}"' in body
    assert 'name="post_level" value="1A41" checked' in body and 'name="post_level" value="1A42" checked' in body
    assert 'name="post_level" value="1A31" checked' not in body
    assert 'name="education" value="2" checked' in body
    assert 'name="education_full_time" value="true" checked' in body
    assert '<option value="cpc" selected>' in body and '<option value="80" selected>' in body
    assert 'name="cols" value="age" checked' in body and 'name="cols" value="sex" checked' not in body
    assert 'name="ordering" value="-birth_date"' in body
    assert '<option value="50" selected>' in body
    assert header(response) == ["姓名", "年龄", "单位"]
    # Every sort link keeps every filter and column; only the order changes.
    links = [unescape(link) for link in re.findall(r'class="sort-link[^"]*" href="([^"]+)"', body)]
    assert links
    for link in links:
        query = parse_qs(urlsplit(link).query, keep_blank_values=True)
        for key, value in params.items():
            if key != "ordering":
                assert query[key] == (value if isinstance(value, list) else [value]), key


def test_sorting_by_column_headers(client, world):
    by_age = listed(get(client, world, "org_staff_a", ordering="-birth_date"))
    assert by_age == ["李四", "张三", "王五"]
    assert listed(get(client, world, "org_staff_a", ordering="birth_date")) == ["王五", "张三", "李四"]
    assert listed(get(client, world, "org_staff_a", ordering="name")) == ["李四", "王五", "张三"]  # pinyin
    body = get(client, world, "org_staff_a", ordering="-birth_date", cols=["name", "age"]).content.decode()
    # Age ascending is shown as such, and its link now sorts it the other way.
    assert re.search(r'aria-sort="ascending">\s*<a class="sort-link sorted-asc" href="\?[^"]*ordering=birth_date', body)


def test_pagination_keeps_the_state_and_counts(client, world):
    for i in range(23):
        make_cadre(world["school"], name=f"测试{i:02d}", birth_date=datetime.date(1990, 1, 1))
    response = get(client, world, "org_staff_a", unit=world["school"].pk, ordering="name")
    body = unescape(response.content.decode())
    assert len(listed(response)) == 20
    assert 'data-figure="total">24<' in body
    assert "共 24 人，第 1–20 人" in body
    next_link = re.search(r'href="([^"]+)" rel="next"', body)
    assert next_link
    query = parse_qs(urlsplit(next_link.group(1)).query)
    assert query["page"] == ["2"] and query["unit"] == [str(world["school"].pk)] and query["ordering"] == ["name"]
    second = get(client, world, "org_staff_a", unit=world["school"].pk, ordering="name", page="2")
    assert len(listed(second)) == 4
    assert not set(listed(second)) & set(listed(response))
    assert len(listed(get(client, world, "org_staff_a", unit=world["school"].pk, page_size="50"))) == 24
    # A page past the end shows the last page; nonsense shows the first.
    assert listed(get(client, world, "org_staff_a", unit=world["school"].pk, ordering="name", page="99")) == listed(
        second
    )
    assert len(listed(get(client, world, "org_staff_a", unit=world["school"].pk, page="abc"))) == 20


def test_large_results_show_a_capped_count_until_asked(client, world, monkeypatch):
    monkeypatch.setattr(browse, "COUNT_CAP", 2)
    body = unescape(get(client, world, "org_staff_a").content.decode())
    assert 'data-figure="total">2+<' in body and "超过 2 人" in body and "统计准确人数" in body
    body = unescape(get(client, world, "org_staff_a", count="exact").content.decode())
    assert 'data-figure="total">3<' in body


def test_column_chooser(client, world):
    response = get(client, world, "org_staff_a", cols=["sex", "retirement", "rank", "years_in_post", "no_such"])
    assert header(response) == ["姓名", "性别", "职级", "任现职年限", "退休时间"]  # table order; the name always
    body = response.content.decode()
    assert "一级主任科员" in body
    # 张三: a man born 1985-03 reaches 60 in 2045-03, delayed by the cap of 36 months.
    assert "2048.03" in body
    assert header(get(client, world, "org_staff_a", cols="name,age")) == ["姓名", "年龄"]
    # Nothing chosen (or nothing valid): the default set.
    defaults = [c.label for c in COLUMNS if c.key in DEFAULT_COLUMN_KEYS]
    assert header(get(client, world, "org_staff_a", cols="bogus")) == defaults
    all_cols = get(client, world, "org_staff_a", cols=[c.key for c in COLUMNS])
    assert header(all_cols) == [c.label for c in COLUMNS]


# --- errors ------------------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age_min": "abc"}, "最小年龄"),
        ({"age_min": "1000"}, "最小年龄"),
        ({"age_max": "-3"}, "最大年龄"),
        ({"age_min": "1.5"}, "最小年龄"),
        ({"unit": "99999999999999999999999"}, None),
        ({"unit": "x"}, None),
        ({"birth_year_from": "99999"}, "起始年份"),
        ({"birth_year_to": "0"}, "截止年份"),
        ({"as_of": "0001-01-01", "age_min": "30"}, None),
        ({"as_of": "not-a-date"}, None),
        ({"as_of": "2026-02-30"}, None),
        ({"retiring_within_months": "100000"}, None),
        ({"years_in_post_min": "1e9"}, None),
        ({"years_at_level_min": "-1"}, None),
        ({"sex": "9"}, None),
        ({"party": "maybe"}, None),
        ({"generation": "70"}, None),
        ({"identity_category": "king"}, None),
        ({"status": "zombie"}, None),
        ({"q": "张\x00三"}, None),
        ({"q": "x" * 500}, None),
        ({"post_level": "x" * 600}, None),
    ],
)
def test_bad_filter_values_give_chinese_errors_not_a_server_error(client, world, params, field):
    response = get(client, world, "org_staff_a", **params)
    assert response.status_code == 200
    errors = field_errors(response)
    assert errors, response.content.decode()[:2000]
    assert all(CJK.search(error) for error in errors), errors
    if field:
        assert any(error.startswith(field) for error in errors), errors
    assert listed(response) == []
    assert "筛选条件有误" in response.content.decode()


def test_bad_ordering_is_an_error_in_chinese(client, world):
    response = get(client, world, "org_staff_a", ordering="password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "筛选条件有误" in body and re.search(r"<p>排序：[^<]*[\u4e00-\u9fff]", body)


@pytest.mark.parametrize(
    "params", [{"page": "-1"}, {"page": "0"}, {"page_size": "7"}, {"page_size": "x"}, {"count": "x"}]
)
def test_bad_view_parameters_fall_back_to_defaults(client, world, params):
    response = get(client, world, "org_staff_a", **params)
    assert response.status_code == 200
    assert len(listed(response)) == 3


# --- queries -----------------------------------------------------------------------------------------


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_query_count_does_not_grow_with_rows_or_page_size(client, world):
    client.force_login(world["org_staff_a"])
    every_column = [c.key for c in COLUMNS]
    # Every filter that reads the database, and every column.
    params = {
        "cols": every_column,
        "education": ["1", "2", "3"],
        "unit": world["root"].pk,
        "q": "",
        "retiring_within_months": "240",
        "as_of": AS_OF,
    }
    few, response = _queries(client, LIST, {**params, "page_size": "20", "retiring_within_months": ""})
    assert len(listed(response)) == 2

    for i in range(40):
        cadre = make_cadre(
            world["school" if i % 2 else "office"],
            name=f"批量{i:02d}",
            birth_date=datetime.date(1970 + i % 20, 1 + i % 12, 1),
            post_level=code(CodeTable.POST_LEVEL, "1A42"),
            rank=code(CodeTable.RANK, "09"),
            political_status=code(CodeTable.POLITICAL, "01"),
            ethnicity=code(CodeTable.ETHNICITY, "01"),
        )
        Education.objects.create(cadre=cadre, kind=EducationKind.FULL_TIME, education=code(CodeTable.EDUCATION, "21"))
        Education.objects.create(cadre=cadre, kind=EducationKind.IN_SERVICE, education=code(CodeTable.EDUCATION, "11"))
    many_20, response = _queries(client, LIST, {**params, "page_size": "20", "retiring_within_months": ""})
    assert len(listed(response)) == 20
    many_100, response = _queries(client, LIST, {**params, "page_size": "100", "retiring_within_months": ""})
    assert len(listed(response)) == 42
    assert few == many_20 == many_100

    # The retirement filter and a search read a fixed number of rows more.
    with_retirement, _ = _queries(client, LIST, {**params, "page_size": "20"})
    with_retirement_100, _ = _queries(client, LIST, {**params, "page_size": "100"})
    assert with_retirement == with_retirement_100
    search_20, _ = _queries(client, LIST, {"q": "批量", "page_size": "20", "cols": every_column})
    search_100, _ = _queries(client, LIST, {"q": "批量", "page_size": "100", "cols": every_column})
    assert search_20 == search_100
