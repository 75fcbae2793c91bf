"""The one access layer for cadre data.

Every read of a cadre, a unit or a sub-record goes through these helpers.
An object outside the actor's scope is "not found" (Http404), exactly like a
missing one, so that scope can't be probed by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import ADMIN_ROLES, Role, RoleAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from personnel.models import Cadre, Unit

    Actor = User | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """What an actor may see and do with cadre data."""

    roles: frozenset[str]
    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    # Where the actor may import rosters: org staff where they write, a unit
    # clerk their own unit's subtree (DOMAIN.md 1: clerks upload their unit's
    # 花名册 themselves).
    import_paths: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & {r.value for r in ADMIN_ROLES})

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def can_read_path(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.read_paths)

    def can_write_path(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.write_paths)

    def can_import_path(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.import_paths)

    @property
    def can_write_any(self) -> bool:
        return bool(self.write_paths)


EMPTY_SCOPE = Scope(roles=frozenset())
_CACHE_ATTR = "_cadre_scope"


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor in the set."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scope_of(actor: Actor | None) -> Scope:
    """The actor's scope, computed once per request object."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return EMPTY_SCOPE
    cached: Scope | None = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    read: set[str] = set()
    write: set[str] = set()
    imports: set[str] = set()
    assignments = (
        RoleAssignment.objects.filter(user=actor)
        .select_related("unit", "jurisdiction")
        .prefetch_related("jurisdiction__root_units")
    )
    for assignment in assignments:
        roles.add(assignment.role)
        if assignment.role == Role.UNIT_CLERK and assignment.unit is not None:
            read.add(assignment.unit.path)
            imports.add(assignment.unit.path)
        elif assignment.jurisdiction is not None:
            paths = {unit.path for unit in assignment.jurisdiction.root_units.all()}
            read |= paths
            if assignment.role == Role.ORG_STAFF:
                write |= paths
                imports |= paths
    scope = Scope(
        roles=frozenset(roles),
        read_paths=_minimal(read),
        write_paths=_minimal(write),
        import_paths=_minimal(imports),
    )
    setattr(actor, _CACHE_ATTR, scope)
    return scope


def forget_scope(actor: Any) -> None:
    """Drop the cached scope (after the actor's roles changed)."""
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def path_q(paths: tuple[str, ...], field: str) -> Q:
    """A filter matching rows whose unit path (at ``field``) lies in one of the subtrees."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def scope_queryset(qs: QuerySet[Any], actor: Actor | None, *, path_field: str, write: bool = False) -> QuerySet[Any]:
    """Restrict any queryset to the actor's scope through the unit path at ``path_field``."""
    scope = scope_of(actor)
    return qs.filter(path_q(scope.write_paths if write else scope.read_paths, path_field))


def units_visible_to(actor: Actor | None) -> QuerySet[Unit]:
    from personnel.models import Unit

    return scope_queryset(Unit.objects.all(), actor, path_field="path")


def cadres_visible_to(actor: Actor | None, *, write: bool = False) -> QuerySet[Cadre]:
    from personnel.models import Cadre

    return scope_queryset(Cadre.objects.all(), actor, path_field="unit__path", write=write)


def cadre_for_actor(actor: Actor | None, cadre_id: Any, *, write: bool = False) -> Cadre:
    """The cadre, if the actor may see it (or change it, with ``write``);
    otherwise Http404 whether it exists or not."""
    from personnel.models import Cadre

    try:
        return cadres_visible_to(actor, write=write).select_related("unit").get(pk=cadre_id)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该干部") from None


def unit_for_actor(actor: Actor | None, unit_id: Any, *, write: bool = False) -> Unit:
    from personnel.models import Unit

    qs = scope_queryset(Unit.objects.all(), actor, path_field="path", write=write)
    try:
        unit: Unit = qs.get(pk=unit_id)
        return unit
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None


def can_write_unit(actor: Actor | None, unit: Unit) -> bool:
    return scope_of(actor).can_write_path(unit.path)
