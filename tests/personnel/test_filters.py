"""The shared cadre filter: search by name, pinyin, initials, ID digits and
unit; the structured filters; always inside the actor's scope."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from personnel import rules
from personnel.models import Code, CodeTable, Education, EducationKind
from personnel.policy import retirement_policy
from personnel.selectors import cadre_list_visible_to
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


def _code(table, code):
    return Code.objects.get(table=table, code=code)


@pytest.fixture
def world():
    root = make_unit("甲县")
    finance = make_unit("甲县财政局", parent=root)
    school = make_unit("甲县实验学校", parent=root)
    other = make_unit("乙县")
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("甲县委组织部", root))
    zhang = make_cadre(
        finance,
        name="张三",
        birth_date=datetime.date(1985, 3, 10),
        political_status=_code(CodeTable.POLITICAL, "01"),
        post_level=_code(CodeTable.POST_LEVEL, "1A41"),
        current_post_date=datetime.date(2015, 1, 1),
    )
    li = make_cadre(
        school,
        name="李四",
        sex="2",
        birth_date=datetime.date(1992, 8, 1),
        political_status=_code(CodeTable.POLITICAL, "05"),
        current_post_date=datetime.date(2024, 1, 1),
    )
    Education.objects.create(cadre=zhang, kind=EducationKind.FULL_TIME, education=_code(CodeTable.EDUCATION, "21"))
    Education.objects.create(cadre=li, kind=EducationKind.IN_SERVICE, education=_code(CodeTable.EDUCATION, "11"))
    make_cadre(other, name="张山")
    return {"officer": officer, "zhang": zhang, "li": li, "finance": finance, "root": root}


def names(world, **params):
    params.setdefault("as_of", AS_OF.isoformat())
    cadre_filter, queryset = cadre_list_visible_to(actor=world["officer"], params=params)
    assert cadre_filter.is_valid(), cadre_filter.errors
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.parametrize("query", ["zs", "ZS", "zhangsan", "zhang", "张三", "张"])
def test_search_finds_by_name_pinyin_and_initials_in_scope_only(world, query):
    assert names(world, q=query) == ["张三"]


def test_search_by_id_number_and_its_last_digits(world):
    number = world["zhang"].id_number
    assert names(world, q=number) == ["张三"]
    assert names(world, q=number[-6:]) == ["张三"]
    assert names(world, q=number.lower()) == ["张三"]


def test_search_by_unit_name(world):
    assert names(world, q="实验学校") == ["李四"]


def test_unit_subtree_sex_and_generation(world):
    assert names(world, unit=world["finance"].pk) == ["张三"]
    assert names(world, unit=world["root"].pk) == ["张三", "李四"]
    assert names(world, sex="2") == ["李四"]
    assert names(world, generation="80") == ["张三"]
    assert names(world, generation="90") == ["李四"]


def test_age_range_at_a_chosen_date(world):
    assert names(world, age_min=41) == ["张三"]
    assert names(world, age_min=42) == []
    assert names(world, age_max=33) == ["李四"]
    assert names(world, age_max=33, as_of="2026-08-01") == []


def test_party_and_post_level(world):
    assert names(world, party="cpc") == ["张三"]
    assert names(world, party="non_cpc") == ["李四"]
    assert names(world, post_level="1A41,1A42") == ["张三"]


def test_education_any_or_full_time_with_hierarchy(world):
    assert names(world, education="2") == ["张三"]  # 本科教育 includes 大学
    assert names(world, education="1") == ["李四"]
    assert names(world, education="1", education_full_time="true") == []


def test_years_in_post(world):
    assert names(world, years_in_post_min=10) == ["张三"]
    assert names(world, years_in_post_min=3) == ["张三"]
    assert names(world, years_in_post_min=2) == ["张三", "李四"]


def test_retiring_within_months_uses_the_retirement_rule(world):
    unit = world["finance"]
    # A man whose statutory retirement month is 5 months after AS_OF.
    target = rules.add_months(AS_OF.replace(day=1), 5)
    birth = next(
        datetime.date(year, month, 1)
        for year in range(1960, 1970)
        for month in range(1, 13)
        if rules.statutory_retirement_month(datetime.date(year, month, 1), retirement_policy("male")) == target
    )
    make_cadre(unit, name="王退", birth_date=birth)
    assert names(world, retiring_within_months=6) == ["王退"]
    assert names(world, retiring_within_months=4) == []


def test_bad_parameters_are_reported_not_ignored(world):
    cadre_filter, queryset = cadre_list_visible_to(actor=world["officer"], params={"age_min": "abc"})
    assert not cadre_filter.is_valid()
    assert "age_min" in cadre_filter.errors
    assert not queryset.exists()
