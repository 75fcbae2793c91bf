"""/healthz: the container health check."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_without_login(client: Client) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_path_is_fixed(client: Client) -> None:
    assert reverse("healthz") == "/healthz"


def test_healthz_reports_database_error_with_503(client: Client) -> None:
    with mock.patch("cadre.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post(reverse("healthz")).status_code == 405
