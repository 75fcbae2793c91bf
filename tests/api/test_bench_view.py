"""The benchmark's plain comparison view: off (404) unless BENCH_PLAIN_VIEW,
and when on, the same page of the same scoped list as the API."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/bench/plain-cadres/"


@pytest.mark.parametrize("persona", ["owner", "outsider", "admin"])
def test_plain_view_is_off_by_default(as_persona, persona):
    assert as_persona(persona).get(URL).status_code == 404


def test_plain_view_serves_the_same_scoped_page(settings, world, as_persona):
    settings.BENCH_PLAIN_VIEW = True
    client = as_persona("outsider")
    plain = client.get(URL, {"page_size": 50}).json()
    naive = client.get(URL, {"page_size": 50, "variant": "naive"}).json()
    api = client.get("/api/v1/cadres/", {"page_size": 50}).json()
    assert plain["count"] == naive["count"] == api["count"] == 1
    assert [row["id"] for row in plain["results"]] == [row["id"] for row in api["results"]]
    assert plain["results"] == naive["results"]
    assert APIClient().get(URL).status_code == 401


def test_plain_view_takes_the_same_filters(settings, world):
    settings.BENCH_PLAIN_VIEW = True
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world['owner'])[0].key}")
    assert [row["name"] for row in client.get(URL, {"sex": "2"}).json()["results"]] == ["李四"]
    assert client.get(URL, {"page_size": "x"}).status_code == 400
