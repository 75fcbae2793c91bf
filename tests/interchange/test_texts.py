"""简历, 年度考核结果 and 入党时间 cells: every wording the format description names."""

from __future__ import annotations

import datetime

import pytest

from interchange import texts
from personnel.dates import Precision


def month(year: int, m: int) -> datetime.date:
    return datetime.date(year, m, 1)


@pytest.mark.parametrize("separator", ["--", "—", "——", "-", "－－", "～"])
def test_resume_accepts_every_separator(separator):
    parsed = texts.parse_resume(f"1997.07{separator}2005.03  甲县财政局科员")
    assert not parsed.errors
    [entry] = parsed.entries
    assert entry["start_date"].value == month(1997, 7)
    assert entry["end_date"].value == month(2005, 3)
    assert entry["start_date"].precision is Precision.MONTH
    assert entry["content"] == "甲县财政局科员"


@pytest.mark.parametrize("line", ["2018.03--  甲县财政局局长", "2018.03-", "2018.03--", "201803--甲县财政局局长"])
def test_resume_open_ended_last_line(line):
    parsed = texts.parse_resume(
        f"2005.03--2018.03  甲县财政局副局长\n{line}" + ("\n  甲县财政局局长" if line.endswith("-") else "")
    )
    assert not parsed.errors, parsed.errors
    assert parsed.entries[-1]["end_date"] is None
    assert parsed.entries[-1]["start_date"].value == month(2018, 3)
    assert parsed.entries[-1]["content"] == "甲县财政局局长"


def test_resume_continuation_lines_join_the_entry_before():
    parsed = texts.parse_resume(
        "2005.03--2018.03  甲县财政局副局长，\r\n            兼甲县国库支付中心主任\r\n2018.03--  甲县财政局局长"
    )
    assert [e["content"] for e in parsed.entries] == ["甲县财政局副局长，兼甲县国库支付中心主任", "甲县财政局局长"]


@pytest.mark.parametrize(
    "note",
    [
        "（其间：2001.09--2004.07在省委党校学习）",
        "(其间:2001.09--2004.07在省委党校学习)",
        "（其间:2001.09--2004.07在省委党校学习)",
    ],
)
def test_resume_keeps_the_meanwhile_note(note):
    parsed = texts.parse_resume(f"1997.07--2005.03  甲县财政局科员{note}")
    [entry] = parsed.entries
    assert entry["content"] == "甲县财政局科员"
    assert entry["note"] == "2001.09--2004.07在省委党校学习"


def test_resume_note_on_its_own_continuation_line():
    parsed = texts.parse_resume("1997.07--2005.03  甲县财政局科员\n      （其间：2001.09--2004.07在省委党校学习）")
    assert parsed.entries[0]["note"] == "2001.09--2004.07在省委党校学习"
    assert parsed.entries[0]["content"] == "甲县财政局科员"


def test_resume_keeps_full_width_punctuation_of_the_text():
    parsed = texts.parse_resume("2005.03--2018.03  甲县财政局副局长，党组成员")
    assert parsed.entries[0]["content"] == "甲县财政局副局长，党组成员"


def test_resume_reports_a_bad_date_and_a_line_without_a_date():
    parsed = texts.parse_resume("1997.13--2005.03  甲县财政局科员")
    assert parsed.errors and "月份13无效" in parsed.errors[0]
    parsed = texts.parse_resume("在甲县财政局工作")
    assert parsed.errors and "不是以“起始年月--截止年月”开头" in parsed.errors[0]


def test_resume_round_trips_through_its_text():
    parsed = texts.parse_resume(
        texts.resume_text(
            texts.parse_resume(
                "1993.09--1997.07  某某大学学习\n"
                "1997.07--2005.03  科员（其间：2001.09--2004.07在职学习）\n"
                "2018.03--  局长"
            ).entries
        )
    )
    assert [texts.resume_line(e) for e in parsed.entries] == [
        "1993.09--1997.07  某某大学学习",
        "1997.07--2005.03  科员（其间：2001.09--2004.07在职学习）",
        "2018.03--  局长",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2021年度考核称职；2022年度考核优秀；2023年度考核称职。",
        "2021年年度考核为称职,2022年年度考核为优秀，2023年年度考核为称职。",
        "2021年度考核结果：称职;2022年度考核结果：优秀;2023年度考核结果：称职",
    ],
)
def test_appraisals_in_every_wording(text):
    parsed = texts.parse_appraisals(text)
    assert not parsed.warnings
    assert [(r["year"], r["grade"]) for r in parsed.rows] == [
        (2021, "competent"),
        (2022, "excellent"),
        (2023, "competent"),
    ]


def test_appraisal_grades_that_contain_each_other():
    parsed = texts.parse_appraisals("2021年度考核基本称职；2022年度考核不称职；2023年度考核不定等次")
    assert [r["grade"] for r in parsed.rows] == ["basic", "incompetent", "unrated"]


def test_appraisal_text_it_cannot_read_is_reported():
    parsed = texts.parse_appraisals("2021年度考核称职；表现良好")
    assert [r["year"] for r in parsed.rows] == [2021]
    assert parsed.warnings and "表现良好" in parsed.warnings[0]
    assert texts.parse_appraisals("无").rows == []


def test_party_cell_date_name_or_both():
    date = texts.parse_party_cell("199506").date
    assert date is not None and date.value == month(1995, 6)
    cell = texts.parse_party_cell("民盟")
    assert cell.date is None and cell.party_name == "民盟"
    both = texts.parse_party_cell("199506；民盟")
    assert both.date is not None and both.date.value == month(1995, 6) and both.party_name == "民盟"
    assert texts.parse_party_cell("1995.13").error
