"""Dates as they arrive in rosters and interchange files (DOMAIN.md 4):
``1985.03``, ``1985.3``, ``198503``, ``1985-03``, ``1985/03``, ``1985年3月``,
``1985.03.12``, ``19850312``, an Excel date serial or a real date cell.

Each shape is parsed explicitly: year first, always; day-first or
month-first guessing never happens; a year-month stays a year-month.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class PartialDate:
    """A date known to the month or to the day. ``value`` is the first of
    the month when only the month is known (how the registry stores it)."""

    value: datetime.date
    precision: Precision

    def __str__(self) -> str:
        if self.precision is Precision.MONTH:
            return f"{self.value:%Y.%m}"
        return f"{self.value:%Y.%m.%d}"


class DateParseError(ValueError):
    """A value that is not a date in any accepted shape; the message is for the user."""


# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for
# (serials from 61 on, i.e. every date a cadre record can hold).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_MIN_YEAR, _MAX_YEAR = 1900, 2100

_SEPARATED = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:月)?(?:\s*[.\-/]?\s*(\d{1,2})\s*[日号]?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def _build(year: int, month: int, day: int | None, raw: object) -> PartialDate:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateParseError(f"“{raw}”的年份{year}不在{_MIN_YEAR}–{_MAX_YEAR}之间")
    if not 1 <= month <= 12:
        raise DateParseError(f"“{raw}”的月份{month}无效")
    if day is None:
        return PartialDate(datetime.date(year, month, 1), Precision.MONTH)
    try:
        return PartialDate(datetime.date(year, month, day), Precision.DAY)
    except ValueError:
        raise DateParseError(f"“{raw}”不是有效日期（{year}年{month}月没有{day}日）") from None


def from_excel_serial(serial: float) -> PartialDate:
    """An Excel date serial (days since 1899-12-30); a fractional part is a
    time of day and is dropped."""
    if math.isnan(serial) or serial < 61:
        raise DateParseError(f"“{serial}”不是有效的Excel日期")
    try:
        day = _EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    except OverflowError:
        raise DateParseError(f"“{serial}”不是有效的Excel日期") from None
    return _build(day.year, day.month, day.day, serial)


def parse_date(raw: object) -> PartialDate | None:
    """Parse one cell or field. Empty values give None; anything that is not
    a date in an accepted shape raises DateParseError with a Chinese message."""
    if raw is None:
        return None
    if isinstance(raw, datetime.datetime):
        return PartialDate(raw.date(), Precision.DAY)
    if isinstance(raw, datetime.date):
        return PartialDate(raw, Precision.DAY)
    if isinstance(raw, bool):
        raise DateParseError(f"“{raw}”不是日期")
    if isinstance(raw, int | float):
        # A number in a date column: 198503 / 19850312 typed as a number,
        # else an Excel serial (a date cell that lost its format).
        if float(raw).is_integer() and 190001 <= raw <= 210012:
            return parse_date(str(int(raw)))
        if float(raw).is_integer() and 19000101 <= raw <= 21001231:
            return parse_date(str(int(raw)))
        return from_excel_serial(float(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    compact = _COMPACT.match(text)
    if compact:
        year, month, day = compact.groups()
        return _build(int(year), int(month), int(day) if day else None, raw)
    separated = _SEPARATED.match(text)
    if separated:
        year, month, day = separated.groups()
        return _build(int(year), int(month), int(day) if day else None, raw)
    raise DateParseError(f"“{raw}”不是可识别的日期，应为 1985.03、198503、1985-03、1985年3月 或 1985.03.12 等形式")
