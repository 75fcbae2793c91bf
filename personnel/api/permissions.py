"""Who may write through the API, with the reason in Chinese.

Reads are scoped by the access layer (out of scope is 404, like missing).
Writes need write scope over the unit: org staff within their jurisdiction.
The services check the same again; checking here first gives each role a
message that tells them what to do instead, and refuses before any row is
touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.exceptions import PermissionDenied

from accounts.access import Scope, scope_of
from accounts.models import Role

if TYPE_CHECKING:
    from accounts.access import Actor

CLERK_USE_CHANGE_REQUEST = (
    "单位人事专员不能直接修改干部信息：请提交信息变更申请（POST /api/v1/change-requests/），由组织部审核后生效"
)
CLERK_NO_SUBRECORDS = "单位人事专员不能直接修改干部的学历、简历、任职、家庭成员、奖惩和考核记录，请联系组织部干部科办理"
CLERK_NO_CREATE = "单位人事专员不能直接新增干部，请联系组织部干部科办理"
READ_ONLY = "只读账号（领导、接口客户端）不能修改数据"
NOT_IN_JURISDICTION = "该干部不在您的管理权限范围内，不能修改"
NO_WRITE = "您没有修改干部数据的权限"


def _refusal(scope: Scope, *, clerk_message: str) -> str:
    if scope.has_role(Role.UNIT_CLERK):
        return clerk_message
    if scope.has_role(Role.LEADER, Role.API_CLIENT) and not scope.has_role(Role.ORG_STAFF):
        return READ_ONLY
    if scope.can_write_any:
        return NOT_IN_JURISDICTION
    return NO_WRITE


def ensure_can_write_cadre(actor: Actor | None, unit_path: str, *, subrecord: bool = False) -> None:
    """403 unless the actor may change cadres of the unit at ``unit_path``."""
    scope = scope_of(actor)
    if not scope.can_write_path(unit_path):
        raise PermissionDenied(
            _refusal(scope, clerk_message=CLERK_NO_SUBRECORDS if subrecord else CLERK_USE_CHANGE_REQUEST)
        )


def ensure_can_create_cadres(actor: Actor | None) -> None:
    """403 unless the actor may create cadres somewhere (the unit itself is
    checked by the input serializer's scoped choice of units)."""
    scope = scope_of(actor)
    if not scope.can_write_any:
        raise PermissionDenied(_refusal(scope, clerk_message=CLERK_NO_CREATE))
