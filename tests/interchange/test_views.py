"""The printed form, the .docx and the LRMX downloads, in the browser and
the API, by the personas of tests/api/conftest.py: in scope they work, out
of scope they are 404 like a missing cadre."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from interchange.apply import apply_record
from interchange.lrmx import cells_of, parse_lrmx
from tests.api.conftest import client_as
from tests.api.conftest import world as world
from tests.factories import make_cadre
from tests.interchange import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    """甲县's 王小明 from the complete test file (photo, family, résumé …)."""
    record = parse_lrmx(builders.lrmx(**builders.with_id()), "a.lrmx")
    record.photo = builders.PNG
    record.photo_content_type = "image/png"
    return apply_record(actor=world["owner"], record=record, unit=world["finance_a"])


def browser(world, persona):
    return client_as(world, persona, token=False)


# --- the printed form ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "clerk", "leader"])
def test_the_printed_form_for_those_who_may_read_the_cadre(world, full, persona):
    response = browser(world, persona).get(f"/cadres/{full.pk}/form/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "干部任免审批表",
        "王小明",
        "1975.03",
        "浙江杭州",
        "1995.06",
        "经济学学士",
        "甲县财政局局长",
        "2001.09--2004.07在某省委党校",
        "2022年度考核优秀",
        "李某某",
        "已去世",
        "呈<br>报<br>单<br>位",
        "css/print.css",
    ):
        assert text in html, text
    assert f"/cadres/{full.pk}/photo" in html


@pytest.mark.parametrize("persona", ["outsider", "clerk_b", "admin"])
def test_the_printed_form_is_not_found_out_of_scope(world, full, persona):
    for path in (f"/cadres/{full.pk}/form/", f"/cadres/{full.pk}/form.docx", f"/cadres/{full.pk}/lrmx"):
        response = browser(world, persona).get(path)
        assert response.status_code == 404, path
        assert "王小明" not in response.content.decode(errors="replace")


def test_the_form_needs_a_login(world, full):
    response = client_as(world, None).get(f"/cadres/{full.pk}/form/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cadre_page_links_to_the_form_and_downloads(world, full):
    html = browser(world, "owner").get(f"/cadres/{full.pk}/").content.decode()
    for url in (f"/cadres/{full.pk}/form/", f"/cadres/{full.pk}/lrmx", f"/cadres/{full.pk}/form.docx"):
        assert url in html


def test_batch_print_of_checked_cadres_in_one_document(world, full):
    other = world["cadre_a2"]
    response = browser(world, "owner").get(f"/cadres/forms/?ids={full.pk},{other.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="form-doc"') == 2 and "王小明" in html and "李四" in html


def test_batch_print_of_the_current_filter(world, full):
    response = browser(world, "owner").get("/cadres/forms/?q=王小明")
    assert response.status_code == 200
    assert response.content.decode().count('class="form-doc"') == 1


def test_a_batch_with_an_id_out_of_scope_is_not_found(world, full):
    response = browser(world, "owner").get(f"/cadres/forms/?ids={full.pk},{world['cadre_b'].pk}")
    assert response.status_code == 404
    assert browser(world, "owner").get("/cadres/lrmx.zip?ids=abc").status_code == 404


def test_a_batch_over_the_limit_goes_back_to_the_list_with_a_message(world, full, settings):
    settings.INTERCHANGE_LIMITS = {**settings.INTERCHANGE_LIMITS, "export_cadres": 1}
    response = browser(world, "owner").get("/cadres/lrmx.zip")
    assert response.status_code == 302 and response["Location"].startswith("/cadres/?")


def test_the_list_offers_the_batch_actions(world, full):
    html = browser(world, "owner").get("/cadres/").content.decode()
    assert 'form="batch-form"' in html and "/cadres/lrmx.zip" in html and "/cadres/forms/" in html


# --- downloads ------------------------------------------------------------------------------


def test_one_cadre_as_lrmx(world, full):
    response = browser(world, "owner").get(f"/cadres/{full.pk}/lrmx")
    assert response.status_code == 200
    assert "filename*=UTF-8''%E7%8E%8B%E5%B0%8F%E6%98%8E_" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    record = parse_lrmx(response.content, "a.lrmx")
    assert record.is_valid and record.cadre["name"] == "王小明" and record.photo == builders.PNG


def test_a_selection_as_a_zip_with_unique_names(world, full):
    twin = make_cadre(world["finance_a"], name="王小明")
    response = browser(world, "owner").get(f"/cadres/lrmx.zip?ids={full.pk}&ids={twin.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == sorted([f"王小明_{str(full.id_number)[-4:]}.lrmx", f"王小明_{str(twin.id_number)[-4:]}.lrmx"])
    same = make_cadre(world["finance_a"], name="王小明", id_number=None)
    same2 = make_cadre(world["finance_a"], name="王小明", id_number=None)
    response = browser(world, "owner").get(f"/cadres/lrmx.zip?ids={same.pk},{same2.pk}")
    assert sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == ["王小明(2).lrmx", "王小明.lrmx"]


def test_the_docx_opens_and_holds_the_form(world, full):
    response = browser(world, "owner").get(f"/cadres/{full.pk}/form.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for value in ("王小明", "1975.03", "汉族", "经济学学士", "甲县财政局局长", "李某某", "2022年度考核优秀", "已去世"):
        assert value in text, value
    assert len(document.inline_shapes) == 1  # the photo
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # 学历学位: a merged cell spanning the two education rows.
    first = document.tables[0]
    assert first.cell(4, 0)._tc is first.cell(5, 0)._tc


def test_batch_docx_has_every_cadre(world, full):
    response = browser(world, "owner").get(f"/cadres/forms.docx?ids={full.pk},{world['cadre_a2'].pk}")
    document = docx.Document(io.BytesIO(response.content))
    assert len(document.tables) == 4


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "leader", "api_client", "clerk"])
def test_api_lrmx_and_docx_in_scope(world, full, persona):
    client = client_as(world, persona)
    response = client.get(f"/api/v1/cadres/{full.pk}/lrmx")
    assert response.status_code == 200
    assert cells_of(response.content)["XingMing"] == "王小明"
    assert client.get(f"/api/v1/cadres/{full.pk}/form.docx").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "clerk_b", "admin"])
def test_api_out_of_scope_is_not_found(world, full, persona):
    client = client_as(world, persona)
    assert client.get(f"/api/v1/cadres/{full.pk}/lrmx").status_code in (403, 404)
    assert client.get(f"/api/v1/cadres/{full.pk}/form.docx").status_code in (403, 404)
    assert client.get(f"/api/v1/cadres/lrmx.zip?ids={full.pk}").status_code in (403, 404)


def test_api_needs_authentication(world, full):
    assert client_as(world, None).get(f"/api/v1/cadres/{full.pk}/lrmx").status_code == 401


def test_api_batch_by_ids_and_by_filter(world, full):
    client = client_as(world, "owner")
    response = client.get(f"/api/v1/cadres/lrmx.zip?ids={full.pk},{world['cadre'].pk}")
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 2
    response = client.get("/api/v1/cadres/lrmx.zip?sex=2")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert [n.split("_")[0] for n in names] == ["李四"]
    response = client.get("/api/v1/cadres/forms.docx?q=王小明")
    assert response.status_code == 200
    assert client.get("/api/v1/cadres/lrmx.zip?age_min=abc").status_code == 400
    response = client.get("/api/v1/cadres/lrmx.zip?q=没有这个人")
    assert response.status_code == 400 and "没有符合条件" in response.json()["detail"]
