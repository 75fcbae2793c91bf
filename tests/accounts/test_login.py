"""Browser login and logout (accounts:login, accounts:logout)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Jurisdiction, Role, RoleAssignment, User

PASSWORD = "correct-horse-battery"
INVALID_LOGIN = "用户名或密码不正确"

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    user = User.objects.create_user("officer", password=PASSWORD, display_name="王科长")
    RoleAssignment.objects.create(user=user, role=Role.ORG_STAFF, jurisdiction=Jurisdiction.objects.create(name="甲县"))
    return user


def _login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders_in_chinese(client: Client) -> None:
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-CN"' in html
    for text in ("干部管理信息系统", "用户登录", "用户名", "密码", "登录"):
        assert text in html


def test_wrong_password_shows_chinese_error(client: Client, officer: User) -> None:
    response = _login(client, "officer", "wrong-password")

    assert response.status_code == 200
    assert INVALID_LOGIN in response.content.decode()
    assert not _logged_in(client)


def test_error_does_not_reveal_whether_user_exists(client: Client, officer: User) -> None:
    wrong_password = _login(client, "officer", "wrong-password")
    unknown_user = _login(client, "nobody", "wrong-password")

    assert wrong_password.context["form"].non_field_errors() == unknown_user.context["form"].non_field_errors()
    for response in (wrong_password, unknown_user):
        html = response.content.decode()
        assert INVALID_LOGIN in html
        assert "不存在" not in html


def test_correct_login_redirects_to_home(client: Client, officer: User) -> None:
    response = _login(client, "officer", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)


def test_logged_in_user_visiting_login_goes_home(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_inactive_user_cannot_log_in_and_gets_the_generic_message(client: Client, officer: User) -> None:
    officer.is_active = False
    officer.save()

    response = _login(client, "officer", PASSWORD)

    assert response.status_code == 200
    assert INVALID_LOGIN in response.content.decode()
    assert not _logged_in(client)


def test_api_client_cannot_log_in_to_the_browser(client: Client) -> None:
    user = User.objects.create_user("reporting-system", password=PASSWORD)
    jurisdiction = Jurisdiction.objects.create(name="乙县")
    RoleAssignment.objects.create(user=user, role=Role.API_CLIENT, jurisdiction=jurisdiction)

    response = _login(client, "reporting-system", PASSWORD)

    assert response.status_code == 200
    assert "接口客户端账号只能通过接口令牌访问系统" in response.content.decode()
    assert not _logged_in(client)


def test_api_client_with_wrong_password_gets_only_the_generic_message(client: Client) -> None:
    user = User.objects.create_user("reporting-system", password=PASSWORD)
    RoleAssignment.objects.create(
        user=user, role=Role.API_CLIENT, jurisdiction=Jurisdiction.objects.create(name="乙县")
    )

    html = _login(client, "reporting-system", "wrong-password").content.decode()

    assert INVALID_LOGIN in html
    assert "接口客户端" not in html


def test_session_of_account_later_made_api_client_is_ended(client: Client, officer: User) -> None:
    client.force_login(officer)
    RoleAssignment.objects.create(
        user=officer, role=Role.API_CLIENT, jurisdiction=Jurisdiction.objects.create(name="乙县")
    )

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not _logged_in(client)


def test_logout_by_post_ends_the_session(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not _logged_in(client)
    assert "您已安全退出系统" in client.get(response["Location"]).content.decode()


def test_logout_by_get_is_not_allowed(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert _logged_in(client)


def test_logout_needs_csrf_token(officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 403
    assert _logged_in(client)
