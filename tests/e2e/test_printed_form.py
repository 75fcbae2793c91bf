"""The printed 干部任免审批表 in a real browser: opened from the cadre page,
shown in print media (screenshot in var/screenshots/), and printed to PDF
on A4: two pages per cadre."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from interchange.apply import apply_record
from interchange.lrmx import parse_lrmx
from tests.e2e.test_registry import login
from tests.factories import make_jurisdiction, make_unit, make_user
from tests.interchange import builders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cadre():
    root = make_unit("演示县")
    finance = make_unit("演示县财政局", parent=root)
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("演示县委组织部", root))
    record = parse_lrmx(
        builders.lrmx(
            **builders.with_id(
                ChengBaoDanWei="中共演示县委组织部",
                TianBiaoRen="赵某",
                JiSuanNianLingShiJian="20240615",
            )
        ),
        "a.lrmx",
    )
    record.photo = builders.png(120, 147)
    record.photo_content_type = "image/png"
    return apply_record(actor=officer, record=record, unit=finance)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_printed_form_from_the_cadre_page(live_server, page: Page, cadre, screenshot_dir):
    base = live_server.url
    login(page, base, "officer")
    page.goto(f"{base}/cadres/{cadre.pk}/")
    page.get_by_role("link", name="打印任免审批表").click()
    expect(page.locator(".form-title").first).to_have_text("干部任免审批表")
    expect(page.locator("[data-field=name]")).to_have_text("王小明")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/printed_form_screen.png", full_page=True)

    # A4 at 96 dpi, as the print preview lays it out.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator(".form-toolbar")).to_be_hidden()
    page.screenshot(path=f"{screenshot_dir}/printed_form_print.png", full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    Path(screenshot_dir, "printed_form.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 2
