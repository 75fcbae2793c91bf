"""The check protocol: what an app declares so that the alert engine
(``alerts``) checks every cadre for it, and the registry the declarations
go into.

No domain here and no ORM. An app that owns a rule declares, in its
``AppConfig.ready()``, the policy whose numbers the rule reads
(``register_policy``: a frozen dataclass whose defaults are DOMAIN.md's)
and the check itself (``register_check``: the rule code stored on alerts,
its label, its policy, and a function that reads one chunk of cadre ids
set-based and returns its findings). The engine iterates the registry; it
knows no rule by name. Registration is declaration, not business logic,
and it happens once per process when Django starts.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    NOTICE = "notice"  # something is coming (retirement, probation)
    WARNING = "warning"  # should be acted on
    VIOLATION = "violation"  # a rule is broken now


SEVERITY_LABELS = {Severity.NOTICE: "提示", Severity.WARNING: "预警", Severity.VIOLATION: "违规"}


@dataclass(frozen=True)
class Finding:
    """One alert as a rule raises it. ``rule`` is the stored rule code;
    ``cause_key`` tells causes of the same rule for the same cadre apart
    (the relative, the sanction …); ``facts`` are the numbers behind the
    message."""

    rule: str
    cause_key: str
    severity: Severity
    message: str
    due_date: datetime.date | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Located:
    """A finding with the cadre it is about and the cadre id whose chunk
    raises it (the cadre itself, or for a pair the lower id)."""

    cadre_id: int
    anchor_id: int
    finding: Finding


def own_findings(pairs: Iterable[tuple[int, Finding | None]]) -> list[Located]:
    """The findings of single-cadre rules, each anchored on its own cadre;
    the rules' ``None`` (nothing found) dropped."""
    return [Located(cadre_id, cadre_id, finding) for cadre_id, finding in pairs if finding is not None]


def since_text(effective_from: datetime.date) -> str:
    return f"自 {effective_from:%Y-%m-%d} 起"


@dataclass(frozen=True)
class PolicyInForce:
    """A policy's value (its dataclass) with the version it came from, for
    the explanation every message ends with."""

    key: str
    value: Any
    effective_from: datetime.date
    version_id: int | None = None

    @property
    def source(self) -> str:
        return f"政策：{policy_spec(self.key).label}，{since_text(self.effective_from)}"


Policies = Mapping[str, PolicyInForce]
ChunkCheck = Callable[[int, int, datetime.date, Policies], list[Located]]


@dataclass(frozen=True)
class PolicySpec:
    """A policy: its key (stored on policy versions), its label, the frozen
    dataclass of its numbers (defaults: DOMAIN.md) and the labels of those
    numbers on the policy page."""

    key: str
    label: str
    cls: type[Any]
    param_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckSpec:
    """A rule the engine runs over every chunk of cadre ids. ``run`` reads
    the chunk with one set-based query and applies the pure rule;
    ``prepare`` (optional) runs once when a run starts, before any chunk
    (e.g. to rebuild a derived table the chunks read)."""

    rule: str
    label: str
    policy: str
    run: ChunkCheck
    prepare: Callable[[], object] | None = None


_POLICIES: dict[str, PolicySpec] = {}
_CHECKS: dict[str, CheckSpec] = {}


def register_policy(spec: PolicySpec) -> None:
    """Declare a policy; declaring the same key twice with another spec is a
    programming error (two apps would read different numbers)."""
    existing = _POLICIES.get(spec.key)
    if existing is not None and existing != spec:
        raise ValueError(f"policy {spec.key!r} is already registered differently")
    _POLICIES[spec.key] = spec


def register_check(spec: CheckSpec) -> None:
    """Declare a check; its policy must be declared first, and a rule code
    is declared once (alerts are stored under it)."""
    if spec.policy not in _POLICIES:
        raise ValueError(f"check {spec.rule!r} reads the unregistered policy {spec.policy!r}")
    existing = _CHECKS.get(spec.rule)
    if existing is not None and existing != spec:
        raise ValueError(f"check {spec.rule!r} is already registered differently")
    _CHECKS[spec.rule] = spec


def registered_checks() -> list[CheckSpec]:
    return list(_CHECKS.values())


def registered_policies() -> list[PolicySpec]:
    return list(_POLICIES.values())


def policy_spec(key: str) -> PolicySpec:
    return _POLICIES[key]


def rule_label(rule: str) -> str:
    spec = _CHECKS.get(rule)
    return spec.label if spec is not None else rule


def rule_choices() -> list[tuple[str, str]]:
    """The registered rules as model and form choices (called lazily, after
    the apps have registered)."""
    return [(spec.rule, spec.label) for spec in _CHECKS.values()]


def policy_choices() -> list[tuple[str, str]]:
    return [(spec.key, spec.label) for spec in _POLICIES.values()]


# --- a policy's numbers as JSON -----------------------------------------------------------


def policy_defaults(key: str) -> dict[str, Any]:
    """The DOMAIN.md defaults of a policy as JSON-ready values."""
    return policy_to_params(policy_spec(key).cls())


def policy_to_params(policy: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for f in dataclasses.fields(policy):
        value = getattr(policy, f.name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        params[f.name] = value
    return params


def policy_from_params(key: str, params: Mapping[str, Any]) -> Any:
    """A policy dataclass from stored JSON; missing values keep the default
    (so a version written before a new parameter existed still works)."""
    cls = policy_spec(key).cls
    defaults = cls()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in params:
            continue
        default = getattr(defaults, f.name)
        raw = params[f.name]
        if isinstance(default, datetime.date):
            values[f.name] = datetime.date.fromisoformat(str(raw))
        elif isinstance(default, tuple):
            values[f.name] = tuple(str(item) for item in raw)
        elif isinstance(default, int):
            values[f.name] = int(raw)
        else:
            values[f.name] = raw
    return cls(**values)
