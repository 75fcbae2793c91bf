"""Authentication: tokens for API clients (each tied to a user and so to
the user's scope), sessions for the browser with CSRF on writes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.lockout import locked_message
from personnel.api.views.auth import ADMIN_REFUSED, BAD_CREDENTIALS, NO_ROLE
from tests.api.conftest import registry_state
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.mark.parametrize("persona", ["owner", "clerk", "leader", "api_client"])
def test_business_accounts_get_their_token(world, persona):
    response = APIClient().post(TOKEN, {"username": persona, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == Token.objects.get(user=world[persona]).key
    assert body["username"] == persona
    again = APIClient().post(TOKEN, {"username": persona, "password": PASSWORD}, format="json")
    assert again.json()["token"] == body["token"]


def test_admin_roles_get_no_token(world):
    response = APIClient().post(TOKEN, {"username": "admin", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": ADMIN_REFUSED}
    assert not Token.objects.filter(user=world["admin"]).exists()


def test_accounts_without_a_role_get_no_token(world):
    make_user("nobody")
    response = APIClient().post(TOKEN, {"username": "nobody", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": NO_ROLE}


def test_wrong_password_is_a_chinese_error(world):
    response = APIClient().post(TOKEN, {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CREDENTIALS, "errors": {"non_field_errors": [BAD_CREDENTIALS]}}
    missing = APIClient().post(TOKEN, {"username": "owner"}, format="json")
    assert missing.json()["errors"] == {"password": ["该字段是必填项。"]}


def test_inactive_accounts_get_no_token(world):
    world["owner"].is_active = False
    world["owner"].save()
    response = APIClient().post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_password_guessing_is_locked_out_per_account_and_address(world):
    # The lockout itself is tested in tests/accounts/test_lockout.py.
    client = APIClient()
    for _ in range(10):
        client.post(TOKEN, {"username": "owner", "password": "guess"}, format="json")
    response = client.post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json() == {"detail": locked_message()}
    # The guessing address is locked too; another address may log in another account.
    same_address = client.post(TOKEN, {"username": "leader", "password": PASSWORD}, format="json")
    assert same_address.status_code == 429
    other = client.post(TOKEN, {"username": "leader", "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_a_token_reads_its_users_scope(world):
    key = APIClient().post(TOKEN, {"username": "api_client", "password": PASSWORD}, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    names = {row["name"] for row in client.get("/api/v1/cadres/").json()["results"]}
    assert names == {"张三", "李四"}
    assert client.get(reverse("api:cadre-detail", kwargs={"pk": world["cadre_b"].pk})).status_code == 404


def test_an_unknown_token_is_refused_in_chinese(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/v1/cadres/")
    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


def test_a_deactivated_users_token_stops_working(world, as_persona):
    client = as_persona("owner")
    world["owner"].is_active = False
    world["owner"].save()
    assert client.get("/api/v1/cadres/").status_code == 401


def test_session_reads_work_and_session_writes_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["owner"])
    assert client.get("/api/v1/cadres/").status_code == 200
    cadre = world["cadre"]
    before = registry_state()
    response = client.patch(
        reverse("api:cadre-detail", kwargs={"pk": cadre.pk}),
        {"note": "跨站"},
        format="json",
        HTTP_IF_MATCH=f'"{cadre.version}"',
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF 校验失败")
    assert registry_state() == before


def test_session_writes_with_the_csrf_token_pass(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["owner"])
    secret = "a" * 32  # the CSRF cookie a browser page would have set
    client.cookies["csrftoken"] = secret
    cadre = world["cadre"]
    response = client.patch(
        reverse("api:cadre-detail", kwargs={"pk": cadre.pk}),
        {"note": "本站"},
        format="json",
        HTTP_IF_MATCH=f'"{cadre.version}"',
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 200
