"""Login lockout (django-axes on the database): failures count per account
name and per source address, alike in the browser and at the token
endpoint, and the security administrator unlocks."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.lockout import locked_message
from accounts.models import Role, User
from tests.factories import make_jurisdiction, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
TOKEN = "/api/v1/auth/token/"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def staff() -> list[User]:
    jurisdiction = make_jurisdiction("甲县委组织部")
    return [make_user(f"staff{i}", Role.ORG_STAFF, jurisdiction=jurisdiction) for i in range(LIMIT + 2)]


def browser_login(username: str, password: str, address: str = "127.0.0.1") -> tuple[Client, Any]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    return client, response


def token(username: str, password: str, address: str = "127.0.0.1", **headers: Any):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address, **headers
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_and_cool_off_are_the_configured_ones() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert "30 分钟" in locked_message() and "安全保密管理员" in locked_message()


def test_browser_refuses_the_right_password_after_the_limit(staff) -> None:
    for _ in range(LIMIT - 1):
        _client, response = browser_login("staff0", "wrong-password")
        assert response.status_code == 200
    client, response = browser_login("staff0", PASSWORD)
    assert response.status_code == 302 and logged_in(client)  # below the limit the right one works

    for _ in range(LIMIT):
        browser_login("staff0", "wrong-password")
    client, response = browser_login("staff0", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert locked_message() in html
    assert "用户登录" in html  # the login page itself, with the sentence as its error


def test_token_endpoint_refuses_the_right_password_after_the_limit(staff) -> None:
    for _ in range(LIMIT - 1):
        assert token("staff0", "wrong-password").status_code == 400
    # The failure that reaches the limit is already answered with the lockout.
    assert token("staff0", "wrong-password").status_code == 429
    response = token("staff0", PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"detail": locked_message()}


def test_browser_and_token_endpoint_count_together(staff) -> None:
    for _ in range(LIMIT - 2):
        browser_login("staff0", "wrong-password")
    for _ in range(2):
        token("staff0", "wrong-password")
    assert token("staff0", PASSWORD).status_code == 429
    _client, response = browser_login("staff0", PASSWORD)
    assert response.status_code == 429


def test_spraying_one_password_over_many_accounts_locks_the_address(staff) -> None:
    for user in staff[: LIMIT - 1]:
        assert token(user.username, "Spring2026!", address="10.0.0.1").status_code == 400
    assert token(staff[LIMIT - 1].username, "Spring2026!", address="10.0.0.1").status_code == 429
    sprayed = staff[LIMIT].username
    assert token(sprayed, PASSWORD, address="10.0.0.1").status_code == 429
    _client, response = browser_login(sprayed, PASSWORD, address="10.0.0.1")
    assert response.status_code == 429
    # Another address is not affected: none of those accounts reached the limit.
    assert token(sprayed, PASSWORD, address="10.0.0.2").status_code == 200
    client, response = browser_login(staff[0].username, PASSWORD, address="10.0.0.2")
    assert logged_in(client)


def test_a_forwarded_for_header_does_not_change_the_address(staff) -> None:
    for i, user in enumerate(staff[:LIMIT]):
        token(user.username, "Spring2026!", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    response = token(staff[LIMIT].username, PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_a_locked_account_stays_locked_from_another_address(staff) -> None:
    for i in range(LIMIT):
        token("staff0", "wrong-password", address=f"10.0.1.{i}")
    assert token("staff0", PASSWORD, address="10.0.2.1").status_code == 429
    client, _response = browser_login("staff0", PASSWORD, address="10.0.2.1")
    assert not logged_in(client)
    # Other accounts from those addresses are fine.
    assert token("staff1", PASSWORD, address="10.0.1.0").status_code == 200


def _lock_staff0() -> None:
    for _ in range(LIMIT):
        browser_login("staff0", "wrong-password", address="10.0.3.1")
    assert token("staff0", PASSWORD).status_code == 429


def test_the_security_administrator_unlocks(staff) -> None:
    _lock_staff0()
    secadmin = Client()
    secadmin.force_login(make_user("secadmin", Role.SECURITY_ADMIN))
    changelist = reverse("admin:accounts_loginlockout_changelist")
    page = secadmin.get(changelist)
    assert page.status_code == 200
    html = page.content.decode()
    assert "staff0" in html and "10.0.3.1" in html and "失败次数" in html
    attempts = list(AccessAttempt.objects.filter(username="staff0").values_list("pk", flat=True))
    assert attempts
    response = secadmin.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="staff0").exists()
    assert token("staff0", PASSWORD).status_code == 200
    client, _response = browser_login("staff0", PASSWORD, address="10.0.3.1")
    assert logged_in(client)


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.ORG_STAFF, Role.UNIT_CLERK, Role.LEADER])
def test_nobody_else_sees_or_unlocks(staff, role) -> None:
    _lock_staff0()
    scope: dict[str, Any] = (
        {"jurisdiction": make_jurisdiction("乙县委组织部")} if role in (Role.ORG_STAFF, Role.LEADER) else {}
    )
    if role == Role.UNIT_CLERK:
        from tests.factories import make_unit

        scope = {"unit": make_unit("乙县财政局")}
    other = Client()
    other.force_login(make_user("other", role, **scope))
    changelist = reverse("admin:accounts_loginlockout_changelist")
    assert other.get(changelist).status_code == 403
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    other.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    for pk in attempts:
        other.post(reverse("admin:accounts_loginlockout_delete", args=[pk]), {"post": "yes"})
    assert AccessAttempt.objects.filter(pk__in=attempts).count() == len(attempts)
    assert "登录失败与锁定记录" not in other.get(reverse("admin:index")).content.decode()
    assert token("staff0", PASSWORD).status_code == 429
