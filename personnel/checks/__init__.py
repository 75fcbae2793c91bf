"""The checks whose data the registry holds, declared for the alert engine
(``core.checks``; registered by ``PersonnelConfig.ready()``), and the
policy of the retirement schedules (``personnel.policy``): the registry's
own rules in ``registry``, and two groups kept here until their apps exist
(``rotation`` for rotation/, ``probation`` for appraisal/ or selection/)."""

from __future__ import annotations

from core.checks import register_check, register_policy
from personnel.checks import probation, registry, rotation
from personnel.policy import RETIREMENT_AGE_POLICY


def register() -> None:
    register_policy(RETIREMENT_AGE_POLICY)
    for module in (rotation, registry, probation):
        for policy in module.POLICIES:
            register_policy(policy)
        for check in module.CHECKS:
            register_check(check)
