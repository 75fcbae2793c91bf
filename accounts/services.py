"""Writes to accounts and roles, each checked against 三员分立: the system
administrator manages accounts, the security administrator grants roles and
jurisdictions, nobody else does either."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt
from django.db import transaction

from accounts.access import forget_scope, require_role
from accounts.models import Jurisdiction, Role, RoleAssignment, User
from core.history import history_context

if TYPE_CHECKING:
    from accounts.access import Actor


@transaction.atomic
def user_save(*, actor: Actor, user: User) -> User:
    """Create or change an account (system administrator)."""
    require_role(actor, Role.SYSTEM_ADMIN, message="只有系统管理员可以管理账号")
    # Access comes from roles, never from Django's superuser flag.
    user.is_superuser = False
    with history_context(actor=actor):
        user.save()
    return user


@transaction.atomic
def user_delete(*, actor: Actor, user: User) -> None:
    require_role(actor, Role.SYSTEM_ADMIN, message="只有系统管理员可以管理账号")
    with history_context(actor=actor):
        user.delete()


@transaction.atomic
def role_grant(*, actor: Actor, assignment: RoleAssignment) -> RoleAssignment:
    """Grant or change a role (security administrator). The database refuses
    a second admin role or an admin role mixed with a business role."""
    require_role(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以分配角色")
    assignment.full_clean()
    with history_context(actor=actor):
        assignment.save()
    forget_scope(assignment.user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    require_role(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以分配角色")
    with history_context(actor=actor):
        assignment.delete()


@transaction.atomic
def jurisdiction_save(*, actor: Actor, jurisdiction: Jurisdiction, root_units: Any = None) -> Jurisdiction:
    """Define a management jurisdiction (security administrator)."""
    require_role(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以设置管理权限范围")
    with history_context(actor=actor):
        jurisdiction.save()
        if root_units is not None:
            jurisdiction.root_units.set(root_units)
    return jurisdiction


def lockout_clear(*, actor: Actor, attempt: AccessAttempt) -> None:
    """Unlock: forget one record of failed logins (security administrator)."""
    require_role(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以解除登录锁定")
    with history_context(actor=actor):
        attempt.delete()
