"""Every kind of sub-record declared in personnel.subrecords reaches every
place derived from the declaration: the record's editing pages (a link and
an edit page with the declared columns), the form factory, and the API (a
route whose rows carry the declared fields). A new declaration that one of
them missed fails here."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from personnel.forms import CodeOptions, subrecord_formset
from personnel.subrecords import KINDS
from tests.personnel.test_cadre_page import build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


def test_the_registry_declares_each_kind_once() -> None:
    for attribute in ("slug", "model", "related_name", "api_path"):
        values = [getattr(kind, attribute) for kind in KINDS]
        assert len(values) == len(set(values)), attribute


def test_every_kind_is_linked_from_the_record_editing_pages(world: dict[str, Any]) -> None:
    cadre = world["cadre"]
    body = client_for(world["org_a"]).get(reverse("personnel:cadre-edit", kwargs={"cadre_id": cadre.pk})).content
    for kind in KINDS:
        url = reverse(f"personnel:cadre-edit-{kind.slug}", kwargs={"cadre_id": cadre.pk})
        assert f'href="{url}"'.encode() in body, kind.slug
        assert kind.title.encode() in body, kind.slug


def test_every_kind_has_an_edit_page_with_its_declared_columns(world: dict[str, Any]) -> None:
    cadre = world["cadre"]
    client = client_for(world["org_a"])
    for kind in KINDS:
        response = client.get(reverse(f"personnel:cadre-edit-{kind.slug}", kwargs={"cadre_id": cadre.pk}))
        assert response.status_code == 200, kind.slug
        body = response.content.decode()
        for name in kind.form_fields:
            assert f'name="{kind.slug}-0-{name}"' in body, (kind.slug, name)


def test_the_form_factory_makes_a_table_of_every_kind(world: dict[str, Any]) -> None:
    for kind in KINDS:
        formset = subrecord_formset(kind)(
            queryset=kind.model._default_manager.none(),
            form_kwargs={"code_options": CodeOptions(), "actor": world["org_a"]},
            prefix=kind.slug,
        )
        assert set(kind.form_fields) <= set(formset.forms[0].fields), kind.slug


def test_every_kind_has_an_api_route_carrying_its_declared_fields(world: dict[str, Any]) -> None:
    cadre = world["cadre"]
    client = APIClient()
    client.force_authenticate(world["org_a"])
    for kind in KINDS:
        url = reverse(f"api:{kind.basename}-list", kwargs={"cadre_pk": cadre.pk})
        assert url == f"/api/v1/cadres/{cadre.pk}/{kind.api_path}/"
        response = client.get(url)
        assert response.status_code == 200, kind.slug
        rows = response.json()
        assert rows, f"the world gives {kind.slug} at least one row"
        assert {"id", *kind.api_field_names} <= set(rows[0]), kind.slug
