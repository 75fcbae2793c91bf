"""Domain rules of the registry as pure functions over plain values.

No ORM here: every number a rule needs comes in as a parameter (from
settings or policy rows), with the DOMAIN.md defaults living in
``personnel.policy``.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2

# --- ages and periods ---------------------------------------------------------


def full_years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end`` (negative if end is earlier):
    the way 年龄 and 任职年限 are counted on the national form."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def age_at(birth_date: datetime.date, when: datetime.date) -> int:
    """Age in full years at a reference date (DOMAIN.md 6.1; forms use
    计算年龄时间 as the reference)."""
    return full_years_between(birth_date, when)


def generation_label(birth_date: datetime.date) -> str:
    """'80后' / '90后' / '00后' for cadres born in those decades, else ''."""
    decade = birth_date.year // 10 * 10
    if 1980 <= decade <= 2000:
        return f"{decade % 100:02d}后"
    return ""


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``month``'s month."""
    index = month.year * 12 + (month.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- statutory retirement (DOMAIN.md 6.1) -------------------------------------


@dataclass(frozen=True)
class RetirementPolicy:
    """One schedule of the 2025 retirement reform.

    base_age_years: the original statutory age (60 men, 55 women cadres,
    50 women workers; some cadres have a personal base such as 63 or 65).
    step_months / cap_months: one month of delay for every ``step`` months of
    original retirement after the reform start, at most ``cap`` months.
    reform_start: the first original retirement month that is delayed.
    """

    base_age_years: int
    step_months: int
    cap_months: int
    reform_start: datetime.date = datetime.date(2025, 1, 1)


def retirement_delay_months(original_month: datetime.date, policy: RetirementPolicy) -> int:
    """delay = min(cap, ⌊(n−1)/step⌋ + 1) for n ≥ 1, else 0, with n the number of
    months from the reform start to the original retirement month, the
    reform start itself being n = 1."""
    n = (original_month.year - policy.reform_start.year) * 12 + (original_month.month - policy.reform_start.month) + 1
    if n < 1:
        return 0
    return min(policy.cap_months, (n - 1) // policy.step_months + 1)


def statutory_retirement_month(birth_date: datetime.date, policy: RetirementPolicy) -> datetime.date:
    """The month (as its first day) in which a person retires under the
    reform: the month they reach the base age, plus the delay."""
    original = datetime.date(birth_date.year + policy.base_age_years, birth_date.month, 1)
    return add_months(original, retirement_delay_months(original, policy))


def months_until(month: datetime.date, when: datetime.date) -> int:
    """Whole calendar months from ``when``'s month to ``month``'s month."""
    return (month.year - when.year) * 12 + (month.month - when.month)


# --- citizen ID numbers (GB 11643-1999) ---------------------------------------


class IdNumberError(ValueError):
    """An ID number that cannot be accepted; the message is for the user."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: datetime.date
    sex: str  # GB22611: "1" male, "2" female


def _ascii_digits(text: str) -> bool:
    # str.isdigit() alone also accepts other scripts' digits (e.g. Arabic-Indic),
    # which int() would then happily read; an ID number has only 0-9.
    return text.isascii() and text.isdigit()


def id_number_check_character(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 characters.

    stdnum.cn.ric.calc_check_digit expects the full 18-character number and
    drops its last character, so it is the generic MOD 11-2 routine that
    takes the 17-digit body."""
    return str(mod_11_2.calc_check_digit(body))


def normalize_id_number(raw: str) -> str:
    """Clean an ID number as typed or pasted: full-width characters and all
    whitespace removed, lower-case ``x`` upper-cased, a legacy 15-digit number
    upgraded to 18 digits ('19' inserted before the year, check character
    computed). The result is not yet validated."""
    text = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()
    if len(text) == 15 and _ascii_digits(text):
        body = text[:6] + "19" + text[6:]
        return body + id_number_check_character(body)
    return text


def parse_id_number(raw: str) -> IdNumberInfo:
    """Validate an ID number: 18 characters, a real birth date, the ISO 7064
    MOD 11-2 check character. The region code is deliberately not checked
    against a list (DOMAIN.md 4: districts are created and renamed).
    Uses python-stdnum for the checksum and birth date."""
    number = normalize_id_number(raw)
    if not number:
        raise IdNumberError("公民身份号码不能为空")
    if len(number) == 15:
        # normalize_id_number upgrades every all-digit 15-character number.
        raise IdNumberError("旧式15位公民身份号码应全部为数字")
    if len(number) != 18:
        raise IdNumberError(f"公民身份号码应为18位（或旧式15位），实际为{len(number)}位")
    if not (_ascii_digits(number[:17]) and (_ascii_digits(number[17]) or number[17] == "X")):
        raise IdNumberError("公民身份号码前17位应为数字，最后一位应为数字或X")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise IdNumberError(f"公民身份号码中的出生日期{number[6:14]}不是有效日期") from None
    expected = id_number_check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"公民身份号码校验位错误：最后一位应为{expected}，实际为{number[17]}")
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IdNumberInfo(number=number, birth_date=birth, sex=sex)


def check_id_number_matches(
    info: IdNumberInfo, *, birth_date: datetime.date | None, sex: str | None, month_precision: bool = True
) -> list[str]:
    """The contradictions between an ID number and the record, as messages
    for the user (an empty list when they agree). With ``month_precision``
    the record's birth date is compared by year and month only, since 出生年月
    is a year-month on the national form."""
    problems: list[str] = []
    if birth_date is not None:
        same = (
            (info.birth_date.year, info.birth_date.month) == (birth_date.year, birth_date.month)
            if month_precision
            else info.birth_date == birth_date
        )
        if not same:
            # At day precision the record's day must show, or the two dates in
            # the message could look identical.
            recorded = f"出生年月{birth_date:%Y.%m}" if month_precision else f"出生日期{birth_date:%Y.%m.%d}"
            problems.append(f"{recorded}与公民身份号码中的出生日期{info.birth_date:%Y.%m.%d}不一致")
    if sex is not None and sex != info.sex:
        labels = {"1": "男", "2": "女"}
        problems.append(f"性别“{labels.get(sex, sex)}”与公民身份号码（{labels[info.sex]}）不一致")
    return problems


# --- periods the checks count -------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months_to_day(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, clipped to the month's
    last day (31 August + 6 months → 28/29 February)."""
    first = add_months(day.replace(day=1), months)
    following = add_months(first, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def years_months_between(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """Whole years and remaining whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    months = max(months, 0)
    return months // 12, months % 12


def span_text(start: datetime.date, end: datetime.date) -> str:
    years, months = years_months_between(start, end)
    if months == 0:
        return f"{years} 年"
    return f"{years} 年 {months} 个月"
