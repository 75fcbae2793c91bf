"""Who an actor is and what they may reach: roles and unit scope.

This is the first half of the one access layer. It knows accounts and unit
*paths* only, so that accounts stays below personnel; the second half,
``personnel/access.py``, applies a scope to the registry's rows (cadres and
units as querysets and single objects, "may this actor write here"). Every
scope decision is one of these two modules.

Work that no person does (Celery tasks, management commands, demo data, an
import's background commit after the confirming user was checked) acts as
``SYSTEM``, whose scope reaches every unit and whose role checks pass. There
is no "no actor": ``scope_of(None)`` is an error, not a skipped check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import ADMIN_ROLES, Role, RoleAssignment, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class SystemActor:
    """The actor of background and maintenance work. History rows written
    by it carry no user (the job or command names itself in the context)."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_anonymous = False
    username = "system"

    def get_username(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def user_of(actor: Actor) -> User | None:
    """The account to store as "who did it" (None for the system)."""
    return actor if isinstance(actor, User) else None


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
    # The system actor: every unit, and every role's permission.
    everything: bool = False

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & {r.value for r in ADMIN_ROLES})

    def has_role(self, *roles: str) -> bool:
        return self.everything or bool(self.roles & set(roles))

    def can_read_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(prefix) for prefix in self.read_paths)

    def can_write_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(prefix) for prefix in self.write_paths)

    def can_import_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(prefix) for prefix in self.import_paths)

    @property
    def can_write_any(self) -> bool:
        return bool(self.write_paths)


EMPTY_SCOPE = Scope(roles=frozenset())
# The empty prefix starts every path.
SYSTEM_SCOPE = Scope(roles=frozenset(), read_paths=("",), write_paths=("",), import_paths=("",), everything=True)
_CACHE_ATTR = "_cadre_scope"


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor in the set."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scope_of(actor: Actor) -> Scope:
    """The actor's scope, computed once per request object."""
    if isinstance(actor, SystemActor):
        return SYSTEM_SCOPE
    if actor is None:
        raise TypeError("scope_of needs an actor: a user, or accounts.access.SYSTEM for background work")
    if not actor.is_authenticated or not actor.is_active:
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
    if "" in paths:
        return Q()  # the system scope: every path
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def require_role(actor: Actor, *roles: str, message: str) -> Scope:
    """PermissionDenied with ``message`` unless the actor holds one of ``roles``."""
    scope = scope_of(actor)
    if not scope.has_role(*roles):
        raise PermissionDenied(message)
    return scope
