"""Accounts, roles and the scope each role gives.

Scope is always a set of unit subtrees: an org-staff officer's or a leader's
jurisdiction (管理权限) is a list of root units; a unit clerk's scope is their
unit's subtree. The three separated admin roles (三员分立) see no cadre data.
"""

from __future__ import annotations

import pgtrigger
from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from core.history import track


class Role(models.TextChoices):
    ORG_STAFF = "org_staff", "组织部干部科工作人员"
    UNIT_CLERK = "unit_clerk", "单位人事专员"
    LEADER = "leader", "领导（只读）"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全保密管理员"
    AUDIT_ADMIN = "audit_admin", "安全审计员"
    API_CLIENT = "api_client", "接口客户端"


ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Roles whose scope is a jurisdiction; a clerk's scope is a unit.
JURISDICTION_ROLES = (Role.ORG_STAFF, Role.LEADER, Role.API_CLIENT)
_ADMIN_SQL = ", ".join(f"'{r.value}'" for r in ADMIN_ROLES)


class Jurisdiction(models.Model):
    """干部管理权限: the unit subtrees one organization department manages."""

    name = models.CharField("名称", max_length=100, unique=True)
    root_units = models.ManyToManyField("personnel.Unit", verbose_name="管辖单位（含下级）", related_name="+")

    class Meta:
        verbose_name = "管理权限范围"
        verbose_name_plural = "管理权限范围"

    def __str__(self) -> str:
        return self.name


# Password hashes and login times stay out of the history rows.
@track(exclude=["password", "last_login"])
class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=40, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username


@track()
class RoleAssignment(models.Model):
    """A role held by an account, with the scope it carries. The database
    enforces 三员分立: at most one admin-role row per account, and an admin
    role row carries no cadre scope."""

    user = models.ForeignKey(User, verbose_name="账号", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="管理权限范围", null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "personnel.Unit", verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        triggers = [
            # 三员分立 across rows: an account's roles are either one admin role
            # or business roles only. A constraint can't see other rows (and
            # the embedded server ships no btree_gist for an exclusion
            # constraint), so a trigger checks, after locking the account row
            # so that two concurrent grants cannot both pass.
            pgtrigger.Trigger(
                name="admin_role_not_mixed",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=f"""
                    PERFORM 1 FROM accounts_user WHERE id = NEW.user_id FOR UPDATE;
                    IF EXISTS (
                        SELECT 1 FROM accounts_roleassignment other
                        WHERE other.user_id = NEW.user_id
                          AND other.id IS DISTINCT FROM NEW.id
                          AND (other.role IN ({_ADMIN_SQL})) <> (NEW.role IN ({_ADMIN_SQL}))
                    ) THEN
                        RAISE EXCEPTION '三员分立：管理员账号不能兼任其他角色'
                            USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                """,  # noqa: S608 - only the role constants are interpolated
            ),
        ]
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(role__in=[r.value for r in ADMIN_ROLES]), name="one_admin_role_per_user"
            ),
            models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user"),
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(role=Role.UNIT_CLERK, unit__isnull=False, jurisdiction__isnull=True)
                    | Q(
                        role__in=[r.value for r in JURISDICTION_ROLES],
                        jurisdiction__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(role__in=[r.value for r in ADMIN_ROLES], jurisdiction__isnull=True, unit__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class LoginLockout(AccessAttempt):  # type: ignore[misc]  # axes ships no type hints
    """axes' record of failed logins from one address with one account name,
    under the security administrator's name: deleting it unlocks."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败与锁定记录"
