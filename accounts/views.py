"""Login and logout pages of the browser UI."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from accounts.access import scope_of
from accounts.forms import LoginForm
from accounts.models import Role

View = Callable[..., HttpResponse]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a GET returns 405, so a link or an image on
    another page cannot end the session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # The session is gone; the message travels in the messages cookie.
        messages.info(request, "您已安全退出系统。")
        return response


def browser_login_required(view: View) -> View:
    """Like ``login_required``, and also ends a browser session of an account
    that has since been given the API-client role (API clients never use the
    browser, see LoginForm)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and scope_of(user).has_role(Role.API_CLIENT):
            auth_logout(request)
            messages.error(request, LoginForm.error_messages["api_client"])
            user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
