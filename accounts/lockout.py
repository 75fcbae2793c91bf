"""Login lockout (django-axes, configured in cadre/settings.py): the
authentication backend that refuses a locked account or address, the
address it counts by, and the page or JSON a refused login gets."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.forms import LoginForm


def locked_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"登录失败次数过多，该账号或本机地址已被锁定，请 {minutes} 分钟后再试；如需立即解锁，请联系安全保密管理员。"


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes ships no type hints
    """axes' check before any password is tried. Every login of the product
    (the browser form, the token endpoint) passes its request; a call
    without one (a management command, the test client's ``login``) has no
    address to count and is left to the other backends."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The TCP peer, never a header the client chooses."""
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """429 with a Chinese sentence: JSON for the API, the login page with the
    sentence as its error for the browser."""
    message = locked_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    data = request.POST if request.method == "POST" else request.GET
    form = LoginForm(request, initial={"username": str(data.get("username", ""))[:150]})
    context = {"form": form, "next": data.get("next", ""), "lockout_message": message}
    return render(request, "accounts/login.html", context, status=429)
