"""/api/v1/codes/: the national code tables, read-only, for every account
(the separated admin roles included); nobody writes them here."""

from __future__ import annotations

import pytest

from personnel.models import Code, CodeTable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["owner", "clerk_b", "outsider", "admin"])
def test_every_account_reads_a_code_table(as_persona, persona):
    response = as_persona(persona).get("/api/v1/codes/", {"table": "GB3304"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Code.objects.filter(table="GB3304").count()
    first = body["results"][0]
    assert (first["code"], first["name"], first["table_name"]) == ("01", "汉族", "民族")


def test_anonymous_gets_no_codes(as_persona):
    assert as_persona(None).get("/api/v1/codes/").status_code == 401


def test_codes_are_searched_by_code_name_or_initials(as_persona):
    client = as_persona("owner")
    by_initials = client.get("/api/v1/codes/", {"table": "GB3304", "q": "hz"}).json()["results"]
    assert "汉族" in [row["name"] for row in by_initials]
    by_name = client.get("/api/v1/codes/", {"table": "ZB09", "q": "县处级"}).json()["results"]
    assert [row["code"] for row in by_name] == ["1A31", "1A32"]


def test_a_whole_large_table_fits_in_a_page(as_persona):
    body = as_persona("owner").get("/api/v1/codes/", {"table": "ZB01", "page_size": 5000}).json()
    assert body["count"] > 2000
    assert len(body["results"]) == body["count"]


def test_hierarchical_codes_name_their_parent(as_persona):
    rows = as_persona("owner").get("/api/v1/codes/", {"table": "ZB64", "q": "21"}).json()["results"]
    assert rows[0]["parent"] == "2"


def test_unknown_table_is_a_field_error(as_persona):
    response = as_persona("owner").get("/api/v1/codes/", {"table": "XX"})
    assert response.status_code == 400
    assert response.json()["errors"]["table"] == ["“XX” 不是合法选项。"]


def test_code_detail_and_the_list_of_tables(as_persona):
    client = as_persona("clerk")
    code = Code.objects.get(table="ZB09", code="1A41")
    assert client.get(f"/api/v1/codes/{code.pk}/").json()["name"] == "乡科级正职"
    assert client.get("/api/v1/codes/999999/").status_code == 404
    tables = client.get("/api/v1/codes/tables/").json()
    assert {"table": "GB3304", "name": "民族"} in tables
    assert len(tables) == len(CodeTable.choices)


@pytest.mark.parametrize("persona", ["owner", "admin"])
def test_codes_cannot_be_written_here(as_persona, persona):
    client = as_persona(persona)
    code = Code.objects.get(table="GB3304", code="01")
    assert (
        client.post("/api/v1/codes/", {"table": "GB3304", "code": "99", "name": "x"}, format="json").status_code == 405
    )
    assert client.patch(f"/api/v1/codes/{code.pk}/", {"name": "篡改"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/codes/{code.pk}/").status_code == 405
    code.refresh_from_db()
    assert code.name == "汉族"
