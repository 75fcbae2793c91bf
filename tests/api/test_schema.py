"""The OpenAPI 3 schema and the Swagger UI docs, served by the app itself
with vendored assets only (the intranet has no internet)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_every_endpoint(as_persona):
    response = as_persona("api_client").get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in (
        "/api/v1/cadres/",
        "/api/v1/cadres/{id}/",
        "/api/v1/cadres/{cadre_pk}/educations/{id}/",
        "/api/v1/cadres/{cadre_pk}/appraisals/",
        "/api/v1/units/{id}/leadership/",
        "/api/v1/codes/",
        "/api/v1/change-requests/{id}/approve/",
        "/api/v1/auth/token/",
    ):
        assert path in paths
    list_params = {p["name"] for p in schema["paths"]["/api/v1/cadres/"]["get"]["parameters"]}
    assert {"q", "unit", "age_min", "education", "retiring_within_months", "page", "page_size"} <= list_params
    patch_params = {p["name"] for p in schema["paths"]["/api/v1/cadres/{id}/"]["patch"]["parameters"]}
    assert "If-Match" in patch_params


def test_schema_generates_without_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, capsys.readouterr().err


def test_schema_and_docs_need_a_login(as_persona):
    client = as_persona(None)
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/docs/").status_code == 401


def test_docs_use_only_vendored_assets(as_persona):
    response = as_persona("owner", token=False).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html), "the docs page must not load anything remote"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a vendored static file"
    assert '"validatorUrl": null' in html
    assert '"/api/v1/schema/"' in html
