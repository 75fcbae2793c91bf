"""Admin pages of the three separated admin roles (三员分立): accounts for
the system administrator, roles and jurisdictions for the security
administrator, the audit log for the security auditor."""

from __future__ import annotations

from typing import Any

import pghistory.models
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.http import HttpRequest
from rest_framework.authtoken.models import TokenProxy

from accounts import services
from accounts.access import scope_of
from accounts.models import Jurisdiction, LoginLockout, Role, RoleAssignment, User
from core.admin_mixins import ServiceDeleteMixin

# Access comes from role assignments, not Django groups; API tokens get their
# own page with the API work.
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


class RoleOnlyAdmin(ServiceDeleteMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Everything on the page belongs to one role; nobody else sees it."""

    owner_role: Role
    read_only = False

    def _owns(self, request: HttpRequest) -> bool:
        return scope_of(request.user).has_role(self.owner_role)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._owns(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._owns(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._owns(request) and not self.read_only

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._owns(request) and not self.read_only

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._owns(request) and not self.read_only


@admin.register(User)
class UserAdmin(RoleOnlyAdmin, BaseUserAdmin):  # type: ignore[type-arg,misc]
    owner_role = Role.SYSTEM_ADMIN
    list_display = ("username", "display_name", "is_active", "last_login")
    list_filter = ("is_active",)
    search_fields = ("username", "display_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "email")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.user_save(actor=request.user, user=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.user_delete(actor=request.user, user=obj)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RoleOnlyAdmin):
    owner_role = Role.SECURITY_ADMIN
    list_display = ("user", "role", "jurisdiction", "unit", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user", "unit")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.role_grant(actor=request.user, assignment=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.role_revoke(actor=request.user, assignment=obj)


@admin.register(Jurisdiction)
class JurisdictionAdmin(RoleOnlyAdmin):
    owner_role = Role.SECURITY_ADMIN
    list_display = ("name",)
    raw_id_fields = ("root_units",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.jurisdiction_save(actor=request.user, jurisdiction=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services.jurisdiction_save(
            actor=request.user, jurisdiction=form.instance, root_units=form.cleaned_data["root_units"]
        )

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(LoginLockout)
class LoginLockoutAdmin(RoleOnlyAdmin):
    """Failed logins by account name and address; a record at the limit is a
    lockout. The security administrator unlocks by deleting the records."""

    owner_role = Role.SECURITY_ADMIN
    list_display = ("account", "address", "failures", "last_attempt", "locked")
    search_fields = ("username", "ip_address")
    fields = ("account", "address", "failures", "last_attempt", "locked", "path", "agent")
    readonly_fields = fields
    ordering = ("-attempt_time",)

    @admin.display(description="用户名")
    def account(self, obj: Any) -> str:
        return str(obj.username or "")

    @admin.display(description="来源地址")
    def address(self, obj: Any) -> str:
        return str(obj.ip_address or "")

    @admin.display(description="失败次数")
    def failures(self, obj: Any) -> int:
        return int(obj.failures_since_start)

    @admin.display(description="最近一次")
    def last_attempt(self, obj: Any) -> Any:
        return obj.attempt_time

    @admin.display(description="已达上限", boolean=True)
    def locked(self, obj: Any) -> bool:
        return int(obj.failures_since_start) >= settings.AXES_FAILURE_LIMIT

    @admin.display(description="登录页面")
    def path(self, obj: Any) -> str:
        return str(obj.path_info)

    @admin.display(description="浏览器标识")
    def agent(self, obj: Any) -> str:
        return str(obj.user_agent)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.lockout_clear(actor=request.user, attempt=obj)


@admin.register(pghistory.models.Context)
class AuditLogAdmin(RoleOnlyAdmin):
    """The audit log: who changed data, when, through which page or job. It
    shows the request context, not the changed cadre data itself."""

    owner_role = Role.AUDIT_ADMIN
    read_only = True
    list_display = ("created_at", "who", "where")
    fields = ("id", "created_at", "updated_at", "metadata")
    readonly_fields = fields
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    @admin.display(description="操作人")
    def who(self, obj: Any) -> str:
        return str(obj.metadata.get("username") or obj.metadata.get("user") or "系统")

    @admin.display(description="来源")
    def where(self, obj: Any) -> str:
        return str(obj.metadata.get("url") or obj.metadata.get("source") or "")
