"""Reading rosters as people keep them: title rows above the header, their
own header names, blank rows, full-width characters and stray spaces,
every date shape, code values by name or code with suggestions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from imports.models import ImportRow, ImportStatus, RowStatus
from personnel.models import Cadre
from tests.factories import id_number_for, make_cadre
from tests.imports.helpers import person, roster, upload


def _rows(job: Any, status: str | None = None) -> list[ImportRow]:
    rows = ImportRow.objects.filter(job=job).order_by("row_number")
    return list(rows.filter(status=status) if status else rows)


def test_header_is_found_below_merged_title_rows(county: dict[str, Any]) -> None:
    data = roster(
        [person("张明", datetime.date(1985, 3, 12))], title_rows=["清河县财政局干部花名册", "填报日期：2026年11月"]
    )
    job = upload(county["staff"], county["root"], data)
    assert job.status == ImportStatus.VALIDATED
    assert job.header_row == 3
    assert [r.row_number for r in _rows(job)] == [4]


@pytest.mark.parametrize(
    ("birth_header", "id_header", "name_header"),
    [
        ("出生日期", "身份证号", "姓名"),
        ("出生年月日", "公民身份证号码", "姓 名"),
        ("出生年月（必填）", "身份证号码*", "*姓名"),
    ],
)
def test_header_synonyms(county: dict[str, Any], birth_header: str, id_header: str, name_header: str) -> None:
    row = person("张明", datetime.date(1985, 3, 12))
    values = {name_header: row["姓名"], birth_header: "1985.03", id_header: row["公民身份号码"]}
    job = upload(county["staff"], county["root"], roster([values], headers=(name_header, birth_header, id_header)))
    assert job.status == ImportStatus.VALIDATED, job.message
    assert job.count_new == 1
    assert {c["field"] for c in job.columns} == {"姓名", "出生年月", "公民身份号码"}


def test_unknown_and_duplicate_columns_are_reported_and_ignored(county: dict[str, Any]) -> None:
    row = person("张明", datetime.date(1985, 3, 12))
    data = roster([{**row, "爱好": "钓鱼"}], headers=("姓名", "公民身份号码", "爱好", "身份证号"))
    job = upload(county["staff"], county["root"], data)
    assert job.count_new == 1
    reasons = {c["header"]: c["reason"] for c in job.ignored_columns}
    assert reasons == {"爱好": "未识别的列名", "身份证号": "与前面的列重复"}


def test_missing_required_column_rejects_the_file(county: dict[str, Any]) -> None:
    job = upload(county["staff"], county["root"], roster([{"姓名": "张明"}], headers=("姓名", "性别", "民族")))
    assert job.status == ImportStatus.REJECTED
    assert "公民身份号码" in job.message


def test_a_sheet_without_a_header_is_rejected(county: dict[str, Any]) -> None:
    job = upload(county["staff"], county["root"], roster([{"a": 1}], headers=("a", "b", "c")))
    assert job.status == ImportStatus.REJECTED
    assert "未找到表头" in job.message


def test_blank_rows_are_skipped_and_row_numbers_kept(county: dict[str, Any]) -> None:
    rows = [person("张明", datetime.date(1985, 3, 12)), person("李华", datetime.date(1990, 7, 1), "2")]
    job = upload(county["staff"], county["root"], roster(rows, blank_rows_after=[0]))
    assert job.count_new == 2
    assert [r.row_number for r in _rows(job)] == [2, 4]


def test_full_width_characters_and_stray_spaces_are_normalized(county: dict[str, Any]) -> None:
    row = person("张明", datetime.date(1985, 3, 12))
    number = row["公民身份号码"]
    wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in number)
    values = {
        **row,
        "姓名": " 张　明 ",
        "公民身份号码": f" {wide[:-1]}{number[-1].lower()} ",
        "出生年月": "１９８５．０３",
        "性别": " 男 ",
        "现任职务": "  县财政局   副局长（主持工作） ",
    }
    job = upload(county["staff"], county["root"], roster([values]))
    assert job.count_new == 1, _rows(job)[0].errors
    data = _rows(job)[0].data
    assert data["name"] == "张明"
    assert data["id_number"] == number.upper()
    assert data["current_post"] == "县财政局 副局长（主持工作）"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019.03", "2019-03-01"),
        ("2019.3", "2019-03-01"),
        ("201903", "2019-03-01"),
        ("2019-03", "2019-03-01"),
        ("2019/03", "2019-03-01"),
        ("2019年3月", "2019-03-01"),
        ("2019.03.12", "2019-03-12"),
        ("20190312", "2019-03-12"),
        (201903, "2019-03-01"),
        (datetime.datetime(2019, 3, 12), "2019-03-12"),
        (43536, "2019-03-12"),  # an Excel serial: a date cell that lost its format
        (2019.03, "2019-03-01"),  # typed into a number cell
        (2019.12, "2019-12-01"),
    ],
)
def test_every_date_shape(county: dict[str, Any], cell: Any, expected: str) -> None:
    job = upload(
        county["staff"], county["root"], roster([person("张明", datetime.date(1985, 3, 12), **{"任现职时间": cell})])
    )
    row = _rows(job)[0]
    assert row.status == RowStatus.NEW, row.errors
    assert row.data["current_post_date"] == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2019.13", "月份13无效"),
        ("2019.02.30", "没有30日"),
        ("去年三月", "不是可识别的日期"),
        (2019.1, "1月还是10月"),
        ("1850.01", "不在1900"),
    ],
)
def test_bad_dates_say_what_is_wrong(county: dict[str, Any], cell: Any, message: str) -> None:
    job = upload(
        county["staff"], county["root"], roster([person("张明", datetime.date(1985, 3, 12), **{"任现职时间": cell})])
    )
    row = _rows(job)[0]
    assert row.status == RowStatus.INVALID
    [error] = row.errors
    assert error["field"] == "任现职时间" and error["column"] == "H" and error["row"] == 2
    assert message in error["message"]


def test_code_values_by_name_or_code_with_suggestions(county: dict[str, Any]) -> None:
    rows = [
        person("甲", datetime.date(1985, 3, 12), **{"民族": "01"}),
        person("乙", datetime.date(1985, 4, 12), **{"民族": "汉"}),
        person("丙", datetime.date(1985, 5, 12), **{"民族": "火星族"}),
    ]
    job = upload(county["staff"], county["root"], roster(rows))
    first, second, third = _rows(job)
    assert first.status == RowStatus.NEW
    assert "是否应为“汉族”" in second.errors[0]["message"]
    assert "不在代码表中" in third.errors[0]["message"]


def test_combined_education_column_and_aliases(county: dict[str, Any]) -> None:
    row = person("张明", datetime.date(1985, 3, 12))
    values = {**row, "全日制学历学位": "大学本科 法学学士", "在职学历学位": "研究生"}
    headers = ("姓名", "公民身份号码", "全日制学历学位", "在职学历学位")
    job = upload(county["staff"], county["root"], roster([values], headers=headers))
    data = _rows(job)[0].data
    assert set(data["edu"]) == {"full_time", "in_service"}
    assert "degree_id" in data["edu"]["full_time"]


def test_id_number_stored_as_a_number_is_refused(county: dict[str, Any]) -> None:
    row = person("张明", datetime.date(1985, 3, 12))
    row["公民身份号码"] = float(row["公民身份号码"][:17] + "1") if row["公民身份号码"][-1] != "X" else 1.1e17
    job = upload(county["staff"], county["root"], roster([row]))
    assert "设为文本格式" in _rows(job)[0].errors[0]["message"]


def test_sex_and_birth_come_from_the_id_number_when_blank(county: dict[str, Any]) -> None:
    row = person("李华", datetime.date(1990, 7, 5), "2")
    job = upload(county["staff"], county["root"], roster([{"姓名": "李华", "公民身份号码": row["公民身份号码"]}]))
    data = _rows(job)[0].data
    assert data["sex"] == "2" and data["birth_date"] == "1990-07-05"


def test_every_problem_of_a_file_is_reported_at_once(county: dict[str, Any]) -> None:
    make_cadre(county["finance"], name="王五")
    rows = [
        person("张明", datetime.date(1985, 3, 12), **{"民族": "汉", "任现职时间": "2019.13"}),
        {"姓名": "", "公民身份号码": "123"},
        person("李华", datetime.date(1990, 7, 5), "2", **{"性别": "男"}),
    ]
    job = upload(county["staff"], county["root"], roster(rows))
    assert job.status == ImportStatus.VALIDATED
    assert job.count_invalid == 3
    assert job.error_count >= 5
    assert not job.can_commit
    assert Cadre.objects.count() == 1


def test_the_fast_id_number_check_agrees_with_the_rules() -> None:
    import random

    from imports.validation import fast_id_number
    from personnel import rules

    rng = random.Random(5)
    samples = [
        id_number_for(datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(25000)), "1")
        for _ in range(300)
    ]
    samples += [s[:17] + rng.choice("0123456789X") for s in samples[:300]]  # wrong check characters, mostly
    samples += ["110105194902301234", "11010519491231002X", "11010519491231002x", "1101051949123100", "ABC"]
    for number in samples:
        fast = fast_id_number(number)
        try:
            slow = rules.parse_id_number(number)
        except rules.IdNumberError:
            slow = None
        if fast is not None:
            assert fast == slow, number
        elif slow is not None:
            assert number != slow.number, number  # only numbers needing normalization take the slow path
