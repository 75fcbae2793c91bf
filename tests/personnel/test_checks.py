"""The checks the registry declares (personnel.checks: rotation, age
cut-offs, retirement, avoidance, home county, probation) at their
boundaries: exactly N years against N years minus a day, the last day of a
period against the day after, 29 February, and every policy number coming
from the policy, not the code. Moved from tests/alerts/test_rules.py with
the rules."""

from __future__ import annotations

import datetime

import pytest

from core.checks import PolicyInForce, Severity
from personnel import rules as periods
from personnel.checks import probation, registry, rotation
from personnel.checks.probation import ProbationPolicy
from personnel.checks.registry import (
    AgeCutoffPolicy,
    Holder,
    HomeCountyPolicy,
    KinshipPolicy,
    RetirementAlertPolicy,
)
from personnel.checks.rotation import RotationPolicy, RotationRule
from personnel.policy import RetirementAgePolicy

D = datetime.date
SINCE = D(2025, 1, 1)


def policy(key: str, value: object) -> PolicyInForce:
    return PolicyInForce(key=key, value=value, effective_from=SINCE, version_id=1)


ROTATION = policy("rotation", RotationPolicy())


# --- periods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [(D(2016, 2, 29), 8, D(2024, 2, 29)), (D(2016, 2, 29), 10, D(2026, 2, 28)), (D(2015, 3, 31), 1, D(2016, 3, 31))],
)
def test_add_years_keeps_the_day_or_uses_28_february(day, years, expected):
    assert periods.add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 1, 15), 12, D(2026, 1, 15)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_months_to_day_clips_to_the_months_end(day, months, expected):
    assert periods.add_months_to_day(day, months) == expected


def test_span_text_counts_whole_months():
    assert periods.span_text(D(2015, 1, 15), D(2025, 3, 14)) == "10 年 1 个月"
    assert periods.span_text(D(2015, 1, 15), D(2025, 3, 15)) == "10 年 2 个月"
    assert periods.span_text(D(2015, 1, 15), D(2025, 1, 15)) == "10 年"


# --- rotation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "fires"),
    [(D(2025, 6, 30), False), (D(2025, 7, 1), True), (D(2027, 6, 30), True), (D(2027, 7, 1), False)],
)
def test_deputy_should_rotate_from_exactly_8_years_until_the_10_year_rule_takes_over(on, fires):
    finding = rotation.rotation_deputy(post_level="1A42", post_date=D(2017, 7, 1), on=on, policy=ROTATION)
    assert (finding is not None) is fires
    if finding:
        assert finding.rule == RotationRule.ROTATION_DEPUTY
        assert finding.due_date == D(2025, 7, 1)
        assert "满 8 年应当交流" in finding.message
        assert "政策：交流轮岗年限，自 2025-01-01 起" in finding.message


def test_deputy_rule_ignores_principals_and_staff():
    for level in ("1A41", "1A31", "1A50", None):
        assert (
            rotation.rotation_deputy(post_level=level, post_date=D(2010, 1, 1), on=D(2025, 1, 1), policy=ROTATION)
            is None
        )


@pytest.mark.parametrize(("on", "fires"), [(D(2025, 6, 30), False), (D(2025, 7, 1), True), (D(2040, 1, 1), True)])
def test_anyone_must_rotate_from_exactly_10_years(on, fires):
    finding = rotation.rotation_post(post_level="1A41", post_date=D(2015, 7, 1), on=on, policy=ROTATION)
    assert (finding is not None) is fires
    if finding:
        assert finding.severity == Severity.VIOLATION
        assert "超过 10 年必须交流" in finding.message


def test_must_rotate_message_gives_years_and_months():
    finding = rotation.rotation_post(post_level="1A31", post_date=D(2015, 1, 1), on=D(2025, 3, 5), policy=ROTATION)
    assert finding is not None
    assert finding.message.startswith("任现职 10 年 2 个月，超过 10 年必须交流（政策：交流轮岗年限，自 2025-01-01 起）")


def test_rotation_years_come_from_the_policy():
    stricter = policy("rotation", RotationPolicy(must_rotate_years=6))
    assert rotation.rotation_post(post_level="1A41", post_date=D(2019, 7, 1), on=D(2025, 7, 1), policy=stricter)
    assert not rotation.rotation_post(post_level="1A41", post_date=D(2019, 7, 1), on=D(2025, 6, 30), policy=stricter)


def test_a_post_started_on_29_february_reaches_10_years_on_28_february():
    post = D(2016, 2, 29)
    assert rotation.rotation_post(post_level="1A41", post_date=post, on=D(2026, 2, 27), policy=ROTATION) is None
    assert rotation.rotation_post(post_level="1A41", post_date=post, on=D(2026, 2, 28), policy=ROTATION) is not None


@pytest.mark.parametrize(
    ("on", "fires"),
    [
        (D(2025, 12, 31), False),  # six months and a day before the second term ends
        (D(2026, 1, 1), True),  # exactly six months before
        (D(2026, 6, 30), True),  # the last day of the second term
        (D(2026, 7, 1), False),  # ten years: the must-rotate rule speaks now
    ],
)
def test_two_terms_warn_in_the_last_six_months_of_the_second(on, fires):
    finding = rotation.term_limit(post_level="1A31", post_date=D(2016, 7, 1), on=on, policy=ROTATION)
    assert (finding is not None) is fires
    if finding:
        assert finding.due_date == D(2026, 7, 1)
        assert "连续 2 个任期（每届 5 年）将于 2026-07-01 届满" in finding.message


@pytest.mark.parametrize(("on", "fires"), [(D(2025, 3, 31), False), (D(2025, 4, 1), True)])
def test_fifteen_years_at_one_level(on, fires):
    finding = rotation.level_tenure(post_level="1A42", level_date=D(2010, 4, 1), on=on, policy=ROTATION)
    assert (finding is not None) is fires


def test_level_tenure_needs_a_leadership_level_and_a_date():
    assert rotation.level_tenure(post_level="1A50", level_date=D(1990, 1, 1), on=D(2025, 1, 1), policy=ROTATION) is None
    assert rotation.level_tenure(post_level="1A41", level_date=None, on=D(2025, 1, 1), policy=ROTATION) is None


# --- age ----------------------------------------------------------------------------

CUTOFF = policy("age_cutoff", AgeCutoffPolicy(male_born_before=D(1966, 7, 1), female_born_before=D(1971, 7, 1)))


@pytest.mark.parametrize(
    ("sex", "birth", "fires"),
    [
        ("1", D(1966, 6, 30), True),
        ("1", D(1966, 7, 1), False),
        ("2", D(1971, 6, 30), True),
        ("2", D(1971, 7, 1), False),
        ("2", D(1966, 6, 30), True),
    ],
)
def test_age_cutoff_by_sex_and_birth_date(sex, birth, fires):
    finding = registry.age_cutoff(sex=sex, birth_date=birth, post_level="1A41", on=D(2025, 9, 1), policy=CUTOFF)
    assert (finding is not None) is fires


def test_age_cutoff_only_for_the_listed_levels():
    assert (
        registry.age_cutoff(sex="1", birth_date=D(1960, 1, 1), post_level="1A31", on=D(2025, 1, 1), policy=CUTOFF)
        is None
    )


RETIRE = policy("retirement", RetirementAlertPolicy(within_months=12))


def test_retirement_uses_the_reform_schedule_and_the_window_edge():
    # DOMAIN.md 6.1: a man born 1965-01 retires 2025-02 (60 years 1 month).
    male = RetirementAgePolicy().schedule("male")
    on_edge = registry.retirement(birth_date=D(1965, 1, 10), schedule=male, on=D(2024, 2, 20), policy=RETIRE)
    assert on_edge is not None and on_edge.due_date == D(2025, 2, 1)
    assert on_edge.facts["months_left"] == 12
    assert "将于 2025 年 02 月 到达法定退休年龄（还有 12 个月）" in on_edge.message
    assert registry.retirement(birth_date=D(1965, 1, 10), schedule=male, on=D(2024, 1, 31), policy=RETIRE) is None


def test_retirement_this_month_and_overdue():
    woman = RetirementAgePolicy().schedule("female_cadre")  # born 1970-05 retires 2025-07
    this_month = registry.retirement(birth_date=D(1970, 5, 1), schedule=woman, on=D(2025, 7, 31), policy=RETIRE)
    assert this_month is not None and this_month.severity == Severity.WARNING
    overdue = registry.retirement(birth_date=D(1970, 5, 1), schedule=woman, on=D(2025, 8, 1), policy=RETIRE)
    assert overdue is not None and overdue.severity == Severity.VIOLATION and "已于 2025 年 07 月" in overdue.message


def test_retirement_base_is_per_person():
    base_65 = RetirementAgePolicy().schedule("male", base_age_override=65)
    assert registry.retirement(birth_date=D(1962, 1, 1), schedule=base_65, on=D(2025, 1, 1), policy=RETIRE) is None
    base_60 = RetirementAgePolicy().schedule("male")
    assert registry.retirement(birth_date=D(1962, 1, 1), schedule=base_60, on=D(2025, 1, 1), policy=RETIRE) is not None


def test_retirement_window_comes_from_the_policy():
    male = RetirementAgePolicy().schedule("male")
    three = policy("retirement", RetirementAlertPolicy(within_months=3))
    assert registry.retirement(birth_date=D(1965, 1, 1), schedule=male, on=D(2024, 11, 1), policy=three) is not None
    assert registry.retirement(birth_date=D(1965, 1, 1), schedule=male, on=D(2024, 10, 31), policy=three) is None


# --- avoidance -----------------------------------------------------------------------

KIN = policy("kinship", KinshipPolicy())


def holder(cadre_id, unit, *, level=None, title="", parent=None, name="某某"):
    return Holder(cadre_id, name, unit, f"单位{unit}", parent, level, title)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("12", "spouse"), ("13", "spouse"), ("10", "lineal"), ("36", "lineal"), ("45", "lineal"),
     ("16", "collateral"), ("72", "collateral"), ("79", "collateral"), ("42", "in_law"), ("27B", "in_law"),
     ("56", "in_law"), ("59", "in_law")],
)  # fmt: skip
def test_gb4761_codes_fall_into_the_four_kinds(code, kind):
    assert KinshipPolicy().kinship_class(code) == kind


def test_every_gb4761_code_is_classified_once():
    p = KinshipPolicy()
    all_codes = [*p.spouse_codes, *p.lineal_codes, *p.collateral_codes, *p.in_law_codes]
    assert len(all_codes) == len(set(all_codes)) == 81


def test_relatives_in_one_leadership_team():
    a = holder(1, 10, level="1A41", title="局长")
    b = holder(2, 10, level="1A42", title="副局长")
    assert registry.kinship_conflict(a, b, "13", KinshipPolicy()) == "same_team"
    finding = registry.kinship(me=a, other=b, relation_code="13", matched_by="id_number", policy=KIN)
    assert finding is not None and finding.cause_key == "kin:2" and "夫妻关系，在同一领导班子任职" in finding.message


def test_relative_in_the_finance_post_of_the_unit_the_other_leads():
    leader = holder(1, 10, level="1A41", title="局长")
    accountant = holder(2, 10, level="1A50", title="财务科科员")
    assert registry.kinship_conflict(leader, accountant, "14", KinshipPolicy()) == "sensitive"
    assert registry.kinship_conflict(accountant, leader, "10", KinshipPolicy()) == "sensitive"


def test_direct_superior_and_subordinate():
    leader = holder(1, 10, level="1A41", title="局长")
    staff = holder(2, 10, level="1A50", title="科员")
    below = holder(3, 11, level="1A42", title="副主任", parent=10)
    assert registry.kinship_conflict(leader, staff, "17", KinshipPolicy()) == "superior"
    assert registry.kinship_conflict(below, leader, "42", KinshipPolicy()) == "superior"


def test_no_conflict_across_unrelated_units_or_between_two_non_leaders():
    a = holder(1, 10, level="1A41", title="局长")
    b = holder(2, 20, level="1A41", title="局长")
    c = holder(3, 10, level="1A50", title="科员")
    d = holder(4, 10, level="1A50", title="财务科科员")
    assert registry.kinship_conflict(a, b, "13", KinshipPolicy()) is None
    assert registry.kinship_conflict(c, d, "13", KinshipPolicy()) is None


def test_an_unclassified_relation_raises_nothing():
    a = holder(1, 10, level="1A41")
    b = holder(2, 10, level="1A42")
    narrow = KinshipPolicy(collateral_codes=())
    assert registry.kinship_conflict(a, b, "72", narrow) is None


HOME = policy("home_county", HomeCountyPolicy())


@pytest.mark.parametrize(
    ("title", "fires"),
    [
        ("中共清河县委书记", True),
        ("中共清河县委副书记", False),
        ("清河县人民政府县长", True),
        ("清河县人民政府副县长", False),
        ("清河县人民政府常务副县长", False),
        ("中共清河县纪委书记、县监委主任", True),
        ("清河县新小河镇纪委书记", False),
        ("中共清河县委常委、组织部部长", True),
        ("中共清河县委组织部副部长", False),
        ("清河县人民法院院长", True),
        ("清河县中医院院长", False),
        ("清河县人民检察院检察长", True),
        ("清河县公安局局长", True),
        ("清河县财政局局长", False),
    ],
)
def test_home_county_posts(title, fires):
    finding = registry.home_county(
        native_place_code="130534", unit_region_code="130534", post_level="1A31", post_title=title, policy=HOME
    )
    assert (finding is not None) is fires


def test_home_county_needs_the_same_region():
    assert (
        registry.home_county(
            native_place_code="130500",
            unit_region_code="130534",
            post_level="1A31",
            post_title="中共清河县委书记",
            policy=HOME,
        )
        is None
    )
    assert (
        registry.home_county(
            native_place_code="", unit_region_code="", post_level="1A31", post_title="中共清河县委书记", policy=HOME
        )
        is None
    )


# --- probation ---------------------------------------------------------------------------

PROBATION = policy("probation", ProbationPolicy())


@pytest.mark.parametrize(
    ("on", "fires", "severity"),
    [
        (D(2025, 12, 31), False, None),  # 31 days before the end
        (D(2026, 1, 1), True, Severity.NOTICE),  # exactly 30 days before
        (D(2026, 1, 31), True, Severity.NOTICE),  # the end day itself
        (D(2026, 2, 1), True, Severity.VIOLATION),  # ended, still on probation
    ],
)
def test_probation_ending_within_30_days(on, fires, severity):
    finding = probation.probation(post_level="1A98", start=D(2025, 1, 31), on=on, policy=PROBATION)
    assert (finding is not None) is fires
    if finding:
        assert finding.due_date == D(2026, 1, 31)
        assert finding.severity == severity


def test_probation_only_for_the_probation_level():
    assert probation.probation(post_level="1A50", start=D(2025, 1, 1), on=D(2025, 12, 31), policy=PROBATION) is None
