"""Every date shape of DOMAIN.md section 4, parsed explicitly."""

from __future__ import annotations

import datetime

import pytest

from personnel.dates import DateParseError, Precision, from_excel_serial, parse_date

D = datetime.date


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("1985.03", D(1985, 3, 1), Precision.MONTH),
        ("1985.3", D(1985, 3, 1), Precision.MONTH),
        ("198503", D(1985, 3, 1), Precision.MONTH),
        ("1985-03", D(1985, 3, 1), Precision.MONTH),
        ("1985/03", D(1985, 3, 1), Precision.MONTH),
        ("1985/3", D(1985, 3, 1), Precision.MONTH),
        ("1985年3月", D(1985, 3, 1), Precision.MONTH),
        ("1985年03月", D(1985, 3, 1), Precision.MONTH),
        ("1985.03.12", D(1985, 3, 12), Precision.DAY),
        ("1985-3-2", D(1985, 3, 2), Precision.DAY),
        ("1985年3月12日", D(1985, 3, 12), Precision.DAY),
        ("19850312", D(1985, 3, 12), Precision.DAY),
        ("１９８５．０３", D(1985, 3, 1), Precision.MONTH),  # full-width
        ("  1985.03  ", D(1985, 3, 1), Precision.MONTH),
        (198503, D(1985, 3, 1), Precision.MONTH),
        (19850312, D(1985, 3, 12), Precision.DAY),
        (31118, D(1985, 3, 12), Precision.DAY),  # Excel serial
        (31118.75, D(1985, 3, 12), Precision.DAY),  # serial with a time of day
        (D(1985, 3, 12), D(1985, 3, 12), Precision.DAY),
        (datetime.datetime(1985, 3, 12, 8, 30), D(1985, 3, 12), Precision.DAY),
    ],
)
def test_every_shape(raw, expected, precision):
    parsed = parse_date(raw)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (expected, precision)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_is_none(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1985.13", "月份13无效"),
        ("1985.02.30", "没有30日"),
        ("03/12/1985", "不是可识别的日期"),  # never guess day-first or month-first
        ("12.03.1985", "不是可识别的日期"),
        ("85.03", "不是可识别的日期"),
        ("1850.03", "年份1850"),
        ("民盟", "不是可识别的日期"),
        (True, "不是日期"),
        (12, "不是有效的Excel日期"),
    ],
)
def test_bad_values_say_what_is_wrong(raw, fragment):
    with pytest.raises(DateParseError, match=fragment):
        parse_date(raw)


def test_month_precision_prints_as_the_form_writes_it():
    assert str(parse_date("198503")) == "1985.03"
    assert str(parse_date("1985-03-12")) == "1985.03.12"


def test_excel_serial_epoch():
    assert from_excel_serial(61).value == D(1900, 3, 1)
    assert from_excel_serial(45658).value == D(2025, 1, 1)
