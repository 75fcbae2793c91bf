"""The home page's figures, read through the access layer.

Everything here is scoped to the actor: an org-staff officer or a leader sees
their jurisdiction, a unit clerk their unit's subtree, and the three
separated admin roles (三员分立) see no cadre figures at all. The number of
queries is fixed: it does not grow with the number of units or cadres.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from accounts.access import scope_of
from accounts.models import Role
from personnel.access import cadres_visible_to, units_visible_to
from personnel.codes import CPC_CODES
from personnel.models import CadreStatus, CodeTable, Sex

if TYPE_CHECKING:
    from accounts.access import Actor


@dataclass(frozen=True)
class UnitFigures:
    """One row of the distribution table: a unit and the active cadres in its
    subtree, or (``own_level``) only those placed in the unit itself."""

    unit_id: int
    name: str
    cadres: int
    own_level: bool = False


@dataclass(frozen=True)
class CadreFigures:
    """Counts of active (在职) cadres and active units in the actor's scope."""

    units: int
    cadres: int
    leaders: int
    women: int
    non_cpc: int
    born_1980s: int
    born_1990s: int
    top_units: list[UnitFigures] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    role_labels: list[str]
    is_admin: bool
    as_of: datetime.date
    # None when the actor has no cadre scope (admin roles, no role yet).
    figures: CadreFigures | None = None


def _decade(start_year: int) -> Q:
    return Q(birth_date__gte=datetime.date(start_year, 1, 1), birth_date__lt=datetime.date(start_year + 10, 1, 1))


def _distribution_rows(*, actor: Actor) -> list[tuple[int, str, Q, bool]]:
    """The rows of the distribution table, each with the filter selecting its
    cadres. The scope's top-level units are its roots (a jurisdiction's root
    units, a clerk's unit). A scope with a single root, the usual case (one
    county), would give a one-row table, so the root is opened instead: its
    own cadres (本级) and one row per unit directly under it."""
    scope = scope_of(actor)
    units = units_visible_to(actor).order_by("sort_order", "path")
    roots = list(units.filter(path__in=scope.read_paths).values_list("pk", "name", "path"))
    if len(roots) != 1:
        return [(pk, name, Q(unit__path__startswith=path), False) for pk, name, path in roots]
    root_pk, root_name, root_path = roots[0]
    children = list(units.filter(parent_id=root_pk).values_list("pk", "name", "path"))
    if not children:
        return [(root_pk, root_name, Q(unit__path__startswith=root_path), False)]
    own_level = (root_pk, root_name, Q(unit_id=root_pk), True)
    return [own_level, *((pk, name, Q(unit__path__startswith=path), False) for pk, name, path in children)]


def _cadre_figures(*, actor: Actor) -> CadreFigures:
    rows = _distribution_rows(actor=actor)
    units = units_visible_to(actor).filter(is_active=True).count()

    # Leadership post levels (1A11–1A42) are marked in the ZB09 code table.
    leader = Q(post_level__table=CodeTable.POST_LEVEL, post_level__attrs__leadership=True)
    non_cpc = Q(political_status__table=CodeTable.POLITICAL) & ~Q(political_status__code__in=CPC_CODES)
    # One filtered count per row, all in the same query as the totals.
    per_row = {f"row_{i}": Count("pk", filter=row_filter) for i, (_pk, _name, row_filter, _own) in enumerate(rows)}
    counts = (
        cadres_visible_to(actor)
        .filter(status=CadreStatus.ACTIVE)
        .aggregate(
            cadres=Count("pk"),
            leaders=Count("pk", filter=leader),
            women=Count("pk", filter=Q(sex=Sex.FEMALE)),
            non_cpc=Count("pk", filter=non_cpc),
            born_1980s=Count("pk", filter=_decade(1980)),
            born_1990s=Count("pk", filter=_decade(1990)),
            **per_row,
        )
    )
    top_units = [
        UnitFigures(unit_id=pk, name=name, cadres=counts[f"row_{i}"], own_level=own)
        for i, (pk, name, _filter, own) in enumerate(rows)
    ]
    return CadreFigures(
        units=units,
        cadres=counts["cadres"],
        leaders=counts["leaders"],
        women=counts["women"],
        non_cpc=counts["non_cpc"],
        born_1980s=counts["born_1980s"],
        born_1990s=counts["born_1990s"],
        # A root with no cadres of its own needs no 本级 row.
        top_units=[row for row in top_units if row.cadres or not row.own_level],
    )


def dashboard_for(*, actor: Actor) -> Dashboard:
    """What the actor's home page shows: their roles, and cadre figures only
    if their roles carry a cadre scope."""
    scope = scope_of(actor)
    return Dashboard(
        role_labels=[role.label for role in Role if role.value in scope.roles],
        is_admin=scope.is_admin,
        as_of=timezone.localdate(),
        figures=_cadre_figures(actor=actor) if scope.read_paths and not scope.is_admin else None,
    )
