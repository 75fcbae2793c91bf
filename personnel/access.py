"""The registry half of the one access layer: a scope (``accounts.access``)
applied to units and cadres.

Every read of a cadre or unit goes through these helpers, and every write
asks them first. An object outside the actor's scope is "not found"
(Http404), exactly like a missing one, so that scope can't be probed by id;
a write the actor may not make is PermissionDenied with a sentence that
tells each role what to do instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import Actor, Scope, path_q, scope_of
from accounts.models import Role
from personnel.models import Cadre, Unit

CLERK_USE_CHANGE_REQUEST = (
    "单位人事专员不能直接修改干部信息：请提交信息变更申请（POST /api/v1/change-requests/），由组织部审核后生效"
)
CLERK_NO_SUBRECORDS = "单位人事专员不能直接修改干部的学历、简历、任职、家庭成员、奖惩和考核记录，请联系组织部干部科办理"
CLERK_NO_CREATE = "单位人事专员不能直接新增干部，请联系组织部干部科办理"
READ_ONLY = "只读账号（领导、接口客户端）不能修改数据"
NOT_IN_JURISDICTION = "该干部不在您的管理权限范围内，不能修改"
NO_WRITE = "您没有修改干部数据的权限"
NO_CADRE_DATA = "您的账号没有查看干部信息的权限"


# --- reads ----------------------------------------------------------------------------------------


def scope_queryset(qs: QuerySet[Any], actor: Actor, *, path_field: str, write: bool = False) -> QuerySet[Any]:
    """Restrict any queryset to the actor's scope through the unit path at ``path_field``."""
    scope = scope_of(actor)
    return qs.filter(path_q(scope.write_paths if write else scope.read_paths, path_field))


def units_visible_to(actor: Actor, *, write: bool = False) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.all(), actor, path_field="path", write=write)


def cadres_visible_to(actor: Actor, *, write: bool = False) -> QuerySet[Cadre]:
    return scope_queryset(Cadre.objects.all(), actor, path_field="unit__path", write=write)


def cadre_for_actor(actor: Actor, cadre_id: Any, *, write: bool = False) -> Cadre:
    """The cadre, if the actor may see it (or change it, with ``write``);
    otherwise Http404 whether it exists or not."""
    try:
        return cadres_visible_to(actor, write=write).select_related("unit").get(pk=cadre_id)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该干部") from None


def unit_for_actor(actor: Actor, unit_id: Any, *, write: bool = False) -> Unit:
    try:
        unit: Unit = units_visible_to(actor, write=write).get(pk=unit_id)
        return unit
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None


def require_cadre_scope(actor: Actor) -> Scope:
    """The three separated admin roles (三员分立) and accounts without a
    role see no cadre data at all."""
    scope = scope_of(actor)
    if scope.is_admin or not scope.read_paths:
        raise PermissionDenied(NO_CADRE_DATA)
    return scope


# --- writes ---------------------------------------------------------------------------------------


def can_write_unit(actor: Actor, unit: Unit) -> bool:
    return scope_of(actor).can_write_path(unit.path)


def require_write(actor: Actor, unit: Unit, message: str = "无权修改该单位的数据") -> None:
    """PermissionDenied unless the actor may change the unit and its cadres."""
    if not scope_of(actor).can_write_path(unit.path):
        raise PermissionDenied(message)


def writable_cadre(actor: Actor, cadre: Cadre) -> Cadre:
    """The cadre, locked for the rest of the transaction, if the actor may
    change it (checked on the locked row: a move can't slip in between)."""
    locked = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)
    require_write(actor, locked.unit, NOT_IN_JURISDICTION)
    return locked


def _refusal(scope: Scope, *, clerk_message: str) -> str:
    if scope.has_role(Role.UNIT_CLERK):
        return clerk_message
    if scope.has_role(Role.LEADER, Role.API_CLIENT) and not scope.has_role(Role.ORG_STAFF):
        return READ_ONLY
    if scope.can_write_any:
        return NOT_IN_JURISDICTION
    return NO_WRITE


def ensure_can_write_cadre(actor: Actor, unit_path: str, *, subrecord: bool = False) -> None:
    """PermissionDenied, with what to do instead, unless the actor may change
    cadres of the unit at ``unit_path``. Checked before any row is touched."""
    scope = scope_of(actor)
    if not scope.can_write_path(unit_path):
        raise PermissionDenied(
            _refusal(scope, clerk_message=CLERK_NO_SUBRECORDS if subrecord else CLERK_USE_CHANGE_REQUEST)
        )


def ensure_can_create_cadres(actor: Actor) -> None:
    """PermissionDenied unless the actor may create cadres somewhere (the
    unit itself is checked by the scoped choice of units)."""
    scope = scope_of(actor)
    if not scope.can_write_any:
        raise PermissionDenied(_refusal(scope, clerk_message=CLERK_NO_CREATE))
