"""Browser forms of the accounts app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.access import scope_of
from accounts.models import Role


class LoginForm(AuthenticationForm):
    """The browser login.

    A wrong username and a wrong password get the same message, so the form
    never tells whether an account exists. Inactive accounts are refused by
    the authentication backend before this form sees them, and so get that
    same message too. API-client accounts authenticate with a token and may
    not open a browser session; they are told so only once their password
    has been proven, which reveals nothing to a guesser.
    """

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（密码区分大小写）。",
        "inactive": "该账号已停用，请联系系统管理员。",
        "api_client": "接口客户端账号只能通过接口令牌访问系统，不能登录浏览器页面。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "用户名"
        username.widget.attrs.update({"autocomplete": "username", "autofocus": True})
        password = self.fields["password"]
        password.label = "密码"
        password.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if scope_of(user).has_role(Role.API_CLIENT):
            raise forms.ValidationError(self.error_messages["api_client"], code="api_client")
