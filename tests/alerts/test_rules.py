"""Policies as data, for every check the apps register (core.checks): a
policy's numbers round-trip through the stored JSON, a missing number keeps
its DOMAIN.md default, and every registered rule has a label and a
registered policy."""

from __future__ import annotations

import dataclasses

import pytest

from core import checks
from oversight.rules import InfluencePolicy
from personnel.checks.probation import ProbationPolicy
from personnel.checks.rotation import RotationPolicy

RULES = {
    "rotation_deputy", "rotation_post", "term_limit", "level_tenure", "age_cutoff", "retirement", "kinship",
    "home_county", "influence", "probation",
}  # fmt: skip
POLICY_KEYS = [
    "retirement_age",
    "rotation",
    "age_cutoff",
    "retirement",
    "kinship",
    "home_county",
    "influence",
    "probation",
]


# --- policies as data ------------------------------------------------------------------------


@pytest.mark.parametrize("key", POLICY_KEYS)
def test_policy_params_round_trip_through_json(key):
    params = checks.policy_defaults(key)
    assert checks.policy_from_params(key, params) == checks.policy_spec(key).cls()


def test_missing_policy_params_keep_their_defaults():
    value = checks.policy_from_params("rotation", {"must_rotate_years": 9})
    assert value.must_rotate_years == 9
    assert value.deputy_should_rotate_years == 8
    assert dataclasses.replace(value, must_rotate_years=10) == RotationPolicy()


def test_domain_defaults():
    assert RotationPolicy().deputy_should_rotate_years == 8
    assert RotationPolicy().must_rotate_years == 10
    assert RotationPolicy().term_years * RotationPolicy().max_consecutive_terms == 10
    assert RotationPolicy().level_max_years == 15
    assert InfluencePolicy().party_serious_warning == 18
    assert ProbationPolicy().probation_months == 12


def test_every_rule_has_a_label_and_a_policy():
    registered = checks.registered_checks()
    assert {str(check.rule) for check in registered} == RULES  # the stored rule codes stay
    assert {spec.key for spec in checks.registered_policies()} == set(POLICY_KEYS)
    for check in registered:
        assert check.label and checks.policy_spec(check.policy).key == check.policy


def test_a_rule_code_is_declared_once():
    rotation_check = next(check for check in checks.registered_checks() if check.rule == "rotation_post")
    checks.register_check(rotation_check)  # the same declaration again is harmless (ready() may run twice)
    with pytest.raises(ValueError, match="already registered"):
        checks.register_check(dataclasses.replace(rotation_check, label="另一个"))
    with pytest.raises(ValueError, match="unregistered policy"):
        checks.register_check(dataclasses.replace(rotation_check, rule="new_rule", policy="nowhere"))
