"""The one definition of each derived fact (personnel.facts): the rules
themselves, over plain values. tests/test_one_truth.py checks that every
page and file shows them alike."""

from __future__ import annotations

import datetime

import pytest

from personnel import facts
from personnel.facts import EducationRow

FT, IS = facts.FULL_TIME, facts.IN_SERVICE
# ZB64 sort orders as the code table has them: 研究生 above 大学 above 大专.
GRADUATE, UNIVERSITY, COLLEGE = 1, 5, 9


def row(kind: str = FT, education: str = "大学", level: int | None = UNIVERSITY, **fields: object) -> EducationRow:
    return EducationRow(kind=kind, education=education, level=level, **fields)  # type: ignore[arg-type]


def test_the_flagged_entry_is_the_highest_even_below_another():
    shown = facts.shown_education(
        [row(education="大专", level=COLLEGE, is_highest=True, id=1), row(id=2)],
        FT,
    )
    assert shown is not None and shown.education == "大专" and shown.row_id == 1


def test_without_a_flag_the_highest_level_wins_wherever_it_stands():
    rows = [row(IS, "研究生", GRADUATE, degree="硕士", id=1, sort_order=0), row(IS, id=2, sort_order=1)]
    shown = facts.shown_education(rows, IS)
    assert shown is not None and shown.text == "研究生 硕士"
    assert facts.shown_education(list(reversed(rows)), IS) == shown


def test_a_tie_goes_to_the_later_entry():
    shown = facts.shown_education([row(school="甲大学", sort_order=0), row(school="乙大学", sort_order=1)], FT)
    assert shown is not None and shown.school == "乙大学"


def test_a_degree_only_entry_supplies_the_degree_with_its_own_school():
    shown = facts.shown_education(
        [row(school="某大学", id=1), row(education="", level=None, degree="法学学士", school="另一大学", id=2)], FT
    )
    assert shown is not None
    assert (shown.education, shown.degree) == ("大学", "法学学士")
    assert (shown.school, shown.degree_school) == ("某大学", "另一大学")
    assert shown.row_ids == (1, 2)


def test_school_and_major_are_one_text_unless_the_school_names_the_major():
    assert facts.school_text("浙江大学", "法学") == "浙江大学法学"
    assert facts.school_text("浙江大学法学院法学", "法学") == "浙江大学法学院法学"


def test_the_highest_overall_is_the_higher_kind_and_full_time_on_a_tie():
    shown = facts.shown_educations([row(FT, id=1), row(IS, "研究生", GRADUATE, id=2)])
    highest = facts.highest_education(shown)
    assert highest is not None and highest.kind == IS
    assert facts.education_summary(shown) == "大学，在职研究生"
    tie = facts.shown_educations([row(FT, id=1), row(IS, id=2)])
    assert facts.highest_education(tie) is tie[FT]
    assert facts.education_summary(tie) == "大学"


def test_party_cell_shows_the_date_the_party_or_both():
    joined = datetime.date(1998, 6, 1)
    assert facts.party_join(join_date=joined, status_code="01", status_name="中共党员").text() == "1998.06"
    assert facts.party_join(join_date=None, status_code="05", status_name="民盟").text() == "民盟"
    both = facts.party_join(join_date=joined, status_code="05", status_name="民盟")
    assert both.text() == "1998.06；民盟" and both.text("%Y%m") == "199806；民盟"
    assert facts.party_join(join_date=None, status_code="13", status_name="群众").text() == ""


@pytest.mark.django_db  # the schedules come from the policy store (the version in force today)
def test_retirement_month_follows_the_reform_and_the_personal_base():
    # DOMAIN.md 6.1: a man born 1965-01 retires 2025-02; a woman cadre born 1970-05, 2025-07.
    assert facts.retirement_month(birth_date=datetime.date(1965, 1, 1), sex="1") == datetime.date(2025, 2, 1)
    assert facts.retirement_month(birth_date=datetime.date(1970, 5, 1), sex="2") == datetime.date(2025, 7, 1)
    born = datetime.date(1970, 5, 1)
    assert facts.retirement_month(birth_date=born, sex="2", age_limit_code="60") == facts.retirement_month(
        birth_date=born, sex="1"
    )
    # 已到龄人员 (-1) names no base age: the category's applies.
    assert facts.retirement_month(birth_date=born, sex="2", age_limit_code="-1") == datetime.date(2025, 7, 1)


def test_resume_lines_and_current_post():
    line = facts.resume_line(
        start_date=datetime.date(2015, 9, 1), end_date=None, content="某县县长", note="2016.03 党校学习"
    )
    assert line.line == "2015.09--  某县县长（其间：2016.03 党校学习）"
    assert facts.current_post_text("", [("某县", "县长"), ("某县委", "副书记")]) == "某县县长、某县委副书记"
    assert facts.current_post_text("县长", [("某县", "副县长")]) == "县长"
