"""The Django admin, scoped like everything else.

Access to the admin does not come from Django's is_staff/permission flags
but from the account's roles: business roles see registry data in their
scope (only org staff may change it), the three separated admin roles see
only their own areas (accounts and configuration / roles / the audit log)
and no cadre data. API-client accounts never use the browser.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.access import scope_of
from accounts.models import Role


class CadreAdminSite(admin.AdminSite):
    site_header = "干部管理信息系统 · 后台管理"
    site_title = "干部管理信息系统"
    index_title = "后台管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        roles = scope_of(user).roles
        return bool(roles) and roles != {Role.API_CLIENT.value}

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # One login page for the whole product: Django's admin login would
        # demand is_staff, which this project does not use.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), "accounts:login")
