"""The registry's pure rules (personnel.rules) with the policy numbers from
personnel.policy: retirement under the 2025 reform, ages and periods, and
citizen ID numbers (DOMAIN.md 4 and 6.1).

The rules themselves need no database (they take the schedules' DOMAIN.md
defaults); the tests marked ``db`` read the schedules from the policy
store, seeded by a migration and changed by a new version."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.utils import timezone

from accounts.access import SYSTEM
from core.checks import policy_defaults
from personnel import policy, rules, services

D = datetime.date


# --- statutory retirement -------------------------------------------------------


DEFAULTS = policy.RetirementAgePolicy()


def retirement(
    birth: datetime.date, category: str, base_age: int | None = None, *, stored: bool = False
) -> datetime.date:
    schedule = (
        policy.retirement_policy(category, base_age_override=base_age)
        if stored
        else DEFAULTS.schedule(category, base_age_override=base_age)
    )
    return rules.statutory_retirement_month(birth, schedule)


def delay_of(birth: datetime.date, category: str, base_age: int | None = None) -> int:
    """Months between the original retirement month and the actual one."""
    base = base_age or DEFAULTS.schedule(category).base_age_years
    original = D(birth.year + base, birth.month, 1)
    return rules.months_until(retirement(birth, category, base_age), original)


@pytest.mark.parametrize(
    ("category", "birth", "expected"),
    [
        # The examples published with the reform (DOMAIN.md 6.1).
        ("male", D(1964, 12, 15), D(2024, 12, 1)),
        ("male", D(1965, 1, 1), D(2025, 2, 1)),
        ("female_cadre", D(1970, 5, 20), D(2025, 7, 1)),
        ("male", D(1977, 1, 31), D(2040, 1, 1)),
    ],
)
def test_official_examples_of_the_reform(category, birth, expected):
    assert retirement(birth, category) == expected


@pytest.mark.parametrize(
    ("birth", "expected", "delay"),
    [
        # n <= 0: the original month is before January 2025, no delay.
        (D(1964, 1, 1), D(2024, 1, 1), 0),
        (D(1964, 11, 30), D(2024, 11, 1), 0),
        (D(1964, 12, 31), D(2024, 12, 1), 0),
        # n = 1 .. 4: one month.
        (D(1965, 1, 1), D(2025, 2, 1), 1),
        (D(1965, 2, 1), D(2025, 3, 1), 1),
        (D(1965, 4, 1), D(2025, 5, 1), 1),
        # n = 5 starts the second step, n = 8 ends it, n = 9 the third.
        (D(1965, 5, 1), D(2025, 7, 1), 2),
        (D(1965, 8, 1), D(2025, 10, 1), 2),
        (D(1965, 9, 1), D(2025, 12, 1), 3),
        # n = 13: 60 years 4 months.
        (D(1966, 1, 1), D(2026, 5, 1), 4),
        # n = 140 is the last month below the cap, n = 141 reaches it exactly.
        (D(1976, 8, 1), D(2039, 7, 1), 35),
        (D(1976, 9, 1), D(2039, 9, 1), 36),
        (D(1976, 12, 1), D(2039, 12, 1), 36),
        # Beyond the cap: 63 years.
        (D(1977, 2, 1), D(2040, 2, 1), 36),
        (D(1990, 6, 1), D(2053, 6, 1), 36),
    ],
)
def test_men_retirement_boundaries(birth, expected, delay):
    assert retirement(birth, "male") == expected
    assert delay_of(birth, "male") == delay


@pytest.mark.parametrize(
    ("birth", "expected", "delay"),
    [
        (D(1969, 12, 1), D(2024, 12, 1), 0),
        (D(1970, 1, 1), D(2025, 2, 1), 1),
        (D(1970, 4, 1), D(2025, 5, 1), 1),
        (D(1970, 5, 1), D(2025, 7, 1), 2),
        (D(1981, 8, 1), D(2039, 7, 1), 35),
        (D(1981, 9, 1), D(2039, 9, 1), 36),
        # 58 years once capped.
        (D(1985, 3, 1), D(2043, 3, 1), 36),
    ],
)
def test_women_cadres_retirement_boundaries(birth, expected, delay):
    assert retirement(birth, "female_cadre") == expected
    assert delay_of(birth, "female_cadre") == delay


@pytest.mark.parametrize(
    ("birth", "expected", "delay"),
    [
        # Base 50, one month for every 2 months, at most 60 months.
        (D(1974, 12, 1), D(2024, 12, 1), 0),
        (D(1975, 1, 1), D(2025, 2, 1), 1),
        (D(1975, 2, 1), D(2025, 3, 1), 1),
        (D(1975, 3, 1), D(2025, 5, 1), 2),
        (D(1975, 4, 1), D(2025, 6, 1), 2),
        (D(1975, 5, 1), D(2025, 8, 1), 3),
        # n = 118 is one step below the cap, n = 119 reaches it exactly.
        (D(1984, 10, 1), D(2039, 9, 1), 59),
        (D(1984, 11, 1), D(2039, 11, 1), 60),
        # 55 years once capped.
        (D(1985, 1, 1), D(2040, 1, 1), 60),
        (D(1995, 7, 1), D(2050, 7, 1), 60),
    ],
)
def test_women_workers_retirement_boundaries(birth, expected, delay):
    assert retirement(birth, "female_worker") == expected
    assert delay_of(birth, "female_worker") == delay


def test_default_policy_numbers_are_domain_defaults():
    assert DEFAULTS.schedule("male") == rules.RetirementPolicy(60, 4, 36, D(2025, 1, 1))
    assert DEFAULTS.schedule("female_cadre") == rules.RetirementPolicy(55, 4, 36, D(2025, 1, 1))
    assert DEFAULTS.schedule("female_worker") == rules.RetirementPolicy(50, 2, 60, D(2025, 1, 1))


@pytest.mark.django_db
def test_the_seeded_store_holds_the_domain_defaults():
    for category in ("male", "female_cadre", "female_worker"):
        assert policy.retirement_policy(category) == DEFAULTS.schedule(category)


def test_unknown_retirement_category_is_an_error():
    with pytest.raises(KeyError):
        DEFAULTS.schedule("retired")


@pytest.mark.parametrize(
    ("category", "base_age", "birth", "expected"),
    [
        # An NLLB limit of 63 replaces the base; the category's schedule
        # still gives the delay from the month the person reaches 63.
        ("male", 63, D(1961, 12, 1), D(2024, 12, 1)),
        ("male", 63, D(1962, 1, 1), D(2025, 2, 1)),
        ("male", 63, D(1962, 5, 1), D(2025, 7, 1)),
        ("male", 65, D(1960, 1, 1), D(2025, 2, 1)),
        ("female_cadre", 60, D(1965, 3, 1), D(2025, 4, 1)),
    ],
)
def test_per_person_base_age_replaces_the_category_base(category, base_age, birth, expected):
    assert DEFAULTS.schedule(category, base_age_override=base_age).base_age_years == base_age
    assert retirement(birth, category, base_age) == expected


def _new_version(effective_from: datetime.date, **numbers: Any) -> None:
    params = policy_defaults(policy.RETIREMENT_AGE) | numbers
    services.policy_set(actor=SYSTEM, key=policy.RETIREMENT_AGE, effective_from=effective_from, params=params)


@pytest.mark.django_db
def test_a_new_version_changes_one_number_and_keeps_the_others():
    _new_version(timezone.localdate(), male_cap_months=12)

    assert policy.retirement_policy("male") == rules.RetirementPolicy(60, 4, 12, D(2025, 1, 1))
    assert retirement(D(1977, 1, 1), "male", stored=True) == D(2038, 1, 1)
    # Below the new cap the schedule is unchanged.
    assert retirement(D(1965, 5, 1), "male", stored=True) == D(2025, 7, 1)
    # Other categories keep their defaults.
    assert retirement(D(1970, 5, 1), "female_cadre", stored=True) == D(2025, 7, 1)


@pytest.mark.django_db
def test_a_new_version_of_step_and_reform_start():
    _new_version(timezone.localdate(), reform_start="2026-01-01", female_cadre_step_months=2)

    # Before the (moved) reform start: no delay.
    assert retirement(D(1965, 1, 1), "male", stored=True) == D(2025, 1, 1)
    assert retirement(D(1966, 1, 1), "male", stored=True) == D(2026, 2, 1)
    # n = 5 with a step of 2 is three months.
    assert retirement(D(1971, 5, 1), "female_cadre", stored=True) == D(2026, 8, 1)


@pytest.mark.django_db
def test_a_version_applies_from_its_date_and_the_defaults_stay():
    today = timezone.localdate()
    _new_version(today + datetime.timedelta(days=1), male_base_age_years=62)
    assert policy.retirement_policy("male").base_age_years == 60  # not yet in force
    assert policy.retirement_age_policy(today + datetime.timedelta(days=1)).male_base_age_years == 62
    assert policy_defaults(policy.RETIREMENT_AGE)["male_base_age_years"] == 60


@pytest.mark.parametrize(
    ("category", "cap"),
    [("male", 36), ("female_cadre", 36), ("female_worker", 60)],
)
def test_delay_is_monotonic_and_capped_for_every_birth_month(category, cap):
    previous_delay = 0
    previous_month: datetime.date | None = None
    for year in range(1955, 1996):
        for month in range(1, 13):
            birth = D(year, month, 1)
            delay = delay_of(birth, category)
            retires = retirement(birth, category)

            assert 0 <= delay <= cap, birth
            # Never shrinks, and grows by at most one month per month of birth,
            # so nobody born later retires earlier or in the same month.
            assert previous_delay <= delay <= previous_delay + 1, birth
            assert previous_month is None or retires > previous_month, birth
            original = D(year + DEFAULTS.schedule(category).base_age_years, month, 1)
            assert (delay == 0) == (original < D(2025, 1, 1)), birth
            previous_delay, previous_month = delay, retires
    assert previous_delay == cap


@pytest.mark.parametrize(
    ("original", "delay"),
    [
        (D(2024, 12, 1), 0),
        (D(2025, 1, 1), 1),
        (D(2025, 1, 31), 1),
        (D(2025, 4, 1), 1),
        (D(2025, 5, 1), 2),
        (D(2100, 1, 1), 36),
        (D(1990, 1, 1), 0),
    ],
)
def test_retirement_delay_months(original, delay):
    assert rules.retirement_delay_months(original, rules.RetirementPolicy(60, 4, 36)) == delay


# --- ages and periods -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "when", "age"),
    [
        (D(1980, 5, 15), D(2020, 5, 14), 39),
        (D(1980, 5, 15), D(2020, 5, 15), 40),
        (D(1980, 5, 15), D(2020, 5, 16), 40),
        (D(1980, 5, 15), D(2020, 4, 30), 39),
        (D(1980, 12, 31), D(2020, 12, 30), 39),
        (D(1980, 12, 31), D(2020, 12, 31), 40),
        (D(1981, 1, 1), D(2020, 12, 31), 39),
        (D(1981, 1, 1), D(2021, 1, 1), 40),
        # Born on 29 February: in a non-leap year the birthday is only
        # complete once February is over.
        (D(2000, 2, 29), D(2001, 2, 28), 0),
        (D(2000, 2, 29), D(2001, 3, 1), 1),
        (D(2000, 2, 29), D(2003, 2, 28), 2),
        (D(2000, 2, 29), D(2003, 3, 1), 3),
        (D(2000, 2, 29), D(2004, 2, 28), 3),
        (D(2000, 2, 29), D(2004, 2, 29), 4),
        (D(1980, 5, 15), D(1980, 5, 15), 0),
    ],
)
def test_age_at_counts_full_years(birth, when, age):
    assert rules.age_at(birth, when) == age


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (D(2015, 3, 1), D(2020, 2, 29), 4),
        (D(2015, 3, 1), D(2020, 3, 1), 5),
        (D(2016, 2, 29), D(2020, 2, 29), 4),
        (D(2016, 2, 29), D(2019, 2, 28), 2),
        (D(2020, 1, 1), D(2020, 12, 31), 0),
        (D(2020, 1, 1), D(2020, 1, 1), 0),
        (D(2020, 3, 1), D(2015, 3, 1), -5),
    ],
)
def test_full_years_between(start, end, years):
    assert rules.full_years_between(start, end) == years


@pytest.mark.parametrize(
    ("birth", "label"),
    [
        (D(1979, 12, 31), ""),
        (D(1980, 1, 1), "80后"),
        (D(1989, 12, 31), "80后"),
        (D(1990, 1, 1), "90后"),
        (D(1999, 12, 31), "90后"),
        (D(2000, 1, 1), "00后"),
        (D(2009, 12, 31), "00后"),
        (D(2010, 1, 1), ""),
        (D(1965, 6, 1), ""),
    ],
)
def test_generation_label(birth, label):
    assert rules.generation_label(birth) == label


@pytest.mark.parametrize(
    ("month", "months", "expected"),
    [
        (D(2024, 11, 15), 1, D(2024, 12, 1)),
        (D(2024, 12, 31), 1, D(2025, 1, 1)),
        (D(2024, 12, 1), 13, D(2026, 1, 1)),
        (D(2025, 1, 31), -1, D(2024, 12, 1)),
        (D(2025, 3, 1), -15, D(2023, 12, 1)),
        (D(2025, 3, 20), 0, D(2025, 3, 1)),
        (D(2025, 1, 1), 36, D(2028, 1, 1)),
        (D(2025, 1, 1), -12, D(2024, 1, 1)),
    ],
)
def test_add_months_returns_the_first_of_the_month(month, months, expected):
    assert rules.add_months(month, months) == expected


@pytest.mark.parametrize(
    ("month", "when", "months"),
    [
        (D(2025, 2, 1), D(2024, 12, 31), 2),
        (D(2025, 1, 31), D(2025, 1, 1), 0),
        (D(2026, 1, 1), D(2025, 12, 31), 1),
        (D(2024, 12, 1), D(2025, 1, 1), -1),
        (D(2030, 6, 1), D(2025, 6, 15), 60),
    ],
)
def test_months_until_counts_calendar_months(month, when, months):
    assert rules.months_until(month, when) == months


def test_add_months_and_months_until_are_inverse():
    start = D(2023, 7, 1)
    for months in range(-40, 41):
        assert rules.months_until(rules.add_months(start, months), start) == months


# --- citizen ID numbers -----------------------------------------------------------------

# GB 11643-1999, written out here on purpose instead of asking python-stdnum,
# so the test checks the library call rather than repeating it.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}


def check_character(body: str) -> str:
    assert len(body) == 17 and body.isdigit()
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True)) % 11]


def id_number(region: str, birth: str, sequence: str) -> str:
    body = region + birth + sequence
    return body + check_character(body)


def test_check_character_helper_agrees_with_the_standard_example():
    # The example printed in GB 11643-1999.
    assert check_character("11010519491231002") == "X"


def test_check_character_agrees_with_independent_implementation():
    generator = random.Random(11643)
    for _ in range(2000):
        body = "".join(str(generator.randrange(10)) for _ in range(17))
        assert rules.id_number_check_character(body) == check_character(body)


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        (id_number("330102", "19800501", "123"), D(1980, 5, 1), "1"),
        (id_number("330102", "19851231", "004"), D(1985, 12, 31), "2"),
        (id_number("110105", "20000229", "017"), D(2000, 2, 29), "1"),
        (id_number("440305", "19650101", "990"), D(1965, 1, 1), "2"),
        ("11010519491231002X", D(1949, 12, 31), "2"),
    ],
)
def test_valid_numbers_parse_with_birth_date_and_sex(number, birth, sex):
    info = rules.parse_id_number(number)

    assert info == rules.IdNumberInfo(number=number, birth_date=birth, sex=sex)


def test_valid_numbers_of_every_check_character_are_accepted():
    generator = random.Random(7064)
    seen: set[str] = set()
    while len(seen) < 11:
        birth = D(1950, 1, 1) + datetime.timedelta(days=generator.randrange(365 * 60))
        number = id_number("330102", f"{birth:%Y%m%d}", f"{generator.randrange(1000):03d}")
        seen.add(number[-1])
        info = rules.parse_id_number(number)
        assert (info.number, info.birth_date) == (number, birth)


@pytest.mark.parametrize("digit", range(10))
def test_sex_comes_from_the_seventeenth_digit(digit):
    info = rules.parse_id_number(id_number("330102", "19800501", f"12{digit}"))

    assert info.sex == ("1" if digit % 2 else "2")


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        " 11010519491231002X ",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105\u300019491231\u3000002x",
        "110105\t19491231002X\n",
        "110105491231002",
        "１１０１０５ ４９１２３１ ００２",
    ],
)
def test_typed_and_pasted_forms_normalize_to_the_same_number(raw):
    assert rules.normalize_id_number(raw) == "11010519491231002X"
    assert rules.parse_id_number(raw).number == "11010519491231002X"


def test_fifteen_digit_number_is_upgraded_with_a_computed_check_character():
    info = rules.parse_id_number("110105491231002")

    assert info == rules.IdNumberInfo(number="11010519491231002X", birth_date=D(1949, 12, 31), sex="2")
    legacy_man = rules.parse_id_number("330102650301123")
    assert legacy_man.number == id_number("330102", "19650301", "123")
    assert (legacy_man.birth_date, legacy_man.sex) == (D(1965, 3, 1), "1")


@pytest.mark.parametrize("region", ["999999", "000000", "330199", "710000"])
def test_region_code_missing_from_every_table_is_accepted(region):
    number = id_number(region, "19800501", "123")

    assert rules.parse_id_number(number).number == number


def test_wrong_check_character_names_the_expected_one():
    valid = id_number("330102", "19800501", "123")
    wrong = "0" if valid[-1] != "0" else "1"

    with pytest.raises(rules.IdNumberError) as excinfo:
        rules.parse_id_number(valid[:17] + wrong)

    assert str(excinfo.value) == f"公民身份号码校验位错误：最后一位应为{valid[-1]}，实际为{wrong}"


def test_x_where_a_digit_is_expected_is_a_check_character_error():
    with pytest.raises(rules.IdNumberError, match="最后一位应为8，实际为X"):
        rules.parse_id_number("11010519491231003X")


@pytest.mark.parametrize("birth", ["19990230", "19990001", "19991301", "19990100", "20010229"])
def test_impossible_birth_date_is_rejected(birth):
    number = id_number("330102", birth, "123")

    with pytest.raises(rules.IdNumberError) as excinfo:
        rules.parse_id_number(number)

    assert str(excinfo.value) == f"公民身份号码中的出生日期{birth}不是有效日期"


@pytest.mark.parametrize(
    ("raw", "length"),
    [
        ("11010519491231002", 17),
        ("11010519491231002X0", 19),
        ("1101051949123", 13),
        ("1", 1),
    ],
)
def test_wrong_length_is_rejected_with_the_actual_length(raw, length):
    with pytest.raises(rules.IdNumberError) as excinfo:
        rules.parse_id_number(raw)

    assert str(excinfo.value) == f"公民身份号码应为18位（或旧式15位），实际为{length}位"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949A231002X",
        "X10105194912310021",
        "11010519491231002Y",
        "110105-1949123100X",
        # Digits of another script are digits to str.isdigit() but not in an ID number.
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
    ],
)
def test_letters_or_other_characters_inside_are_rejected(raw):
    with pytest.raises(rules.IdNumberError, match="前17位应为数字，最后一位应为数字或X"):
        rules.parse_id_number(raw)


def test_fifteen_characters_with_a_letter_are_not_reported_as_a_length_error():
    with pytest.raises(rules.IdNumberError) as excinfo:
        rules.parse_id_number("11010549123100X")

    assert str(excinfo.value) == "旧式15位公民身份号码应全部为数字"


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", "\t\n"])
def test_empty_number_is_rejected(raw):
    with pytest.raises(rules.IdNumberError) as excinfo:
        rules.parse_id_number(raw)

    assert str(excinfo.value) == "公民身份号码不能为空"


def test_id_number_error_is_a_value_error():
    assert issubclass(rules.IdNumberError, ValueError)


# --- ID number against the record -------------------------------------------------------

WOMAN_1949 = rules.IdNumberInfo(number="11010519491231002X", birth_date=D(1949, 12, 31), sex="2")


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        ({"birth_date": D(1949, 12, 31), "sex": "2"}, []),
        ({"birth_date": None, "sex": None}, []),
        # 出生年月 is a year-month: any day of the same month agrees.
        ({"birth_date": D(1949, 12, 1), "sex": "2"}, []),
        (
            {"birth_date": D(1949, 11, 30), "sex": None},
            ["出生年月1949.11与公民身份号码中的出生日期1949.12.31不一致"],
        ),
        (
            {"birth_date": D(1950, 12, 31), "sex": None},
            ["出生年月1950.12与公民身份号码中的出生日期1949.12.31不一致"],
        ),
        ({"birth_date": None, "sex": "1"}, ["性别“男”与公民身份号码（女）不一致"]),
        (
            {"birth_date": D(1949, 1, 31), "sex": "1"},
            ["出生年月1949.01与公民身份号码中的出生日期1949.12.31不一致", "性别“男”与公民身份号码（女）不一致"],
        ),
    ],
)
def test_mismatch_with_month_precision(kwargs: dict[str, Any], problems):
    assert rules.check_id_number_matches(WOMAN_1949, **kwargs) == problems


@pytest.mark.parametrize(
    ("birth", "problems"),
    [
        (D(1949, 12, 31), []),
        (D(1949, 12, 30), ["出生日期1949.12.30与公民身份号码中的出生日期1949.12.31不一致"]),
        (D(1949, 12, 1), ["出生日期1949.12.01与公民身份号码中的出生日期1949.12.31不一致"]),
        (D(1948, 12, 31), ["出生日期1948.12.31与公民身份号码中的出生日期1949.12.31不一致"]),
    ],
)
def test_mismatch_with_exact_day_precision(birth, problems):
    assert rules.check_id_number_matches(WOMAN_1949, birth_date=birth, sex="2", month_precision=False) == problems


def test_man_recorded_as_woman_is_reported():
    man = rules.parse_id_number(id_number("330102", "19800501", "123"))

    assert rules.check_id_number_matches(man, birth_date=D(1980, 5, 1), sex="2") == [
        "性别“女”与公民身份号码（男）不一致"
    ]
