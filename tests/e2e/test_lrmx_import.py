"""An organization department's round with 干部任免审批表 files in the
browser: upload a zip of .lrmx files (one of them broken), read the
preview, upload the fixed zip, see who is new and who changed, commit —
with a real Celery worker — then open the printed form of an imported
cadre in print media (screenshot in var/screenshots/)."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from interchange.from_cadre import record_from_cadre
from interchange.lrmx import write_lrmx
from personnel.models import Cadre
from tests.e2e.test_registry import login
from tests.factories import id_number_for, make_cadre, make_jurisdiction, make_unit, make_user
from tests.interchange import builders

ZIP = "application/zip"


@pytest.fixture
def worker(live_worker: None) -> None:
    """Imports go through a real worker."""


def _form(name: str, birth: datetime.date, sex: str, number: str, **cells: Any) -> bytes:
    values: dict[str, Any] = {
        "XingMing": name,
        "XingBie": "男" if sex == "1" else "女",
        "ChuShengNianYue": f"{birth:%Y%m}",
        "ShenFenZheng": number,
        "DaoLingNianYue": None,
        # A real (tiny) image, so that the printed form shows a photo.
        "ZhaoPian": base64.b64encode(builders.png(120, 147)).decode(),
        "ChengBaoDanWei": "中共演示县委组织部",
    }
    return builders.lrmx(**{**values, **cells})


def test_staff_import_a_zip_of_forms_and_print_one(
    worker: None, live_server: Any, page: Page, screenshot_dir: str
) -> None:
    root = make_unit("演示县")
    bureau = make_unit("演示县财政局", parent=root)
    make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("演示县委组织部", root))
    existing = make_cadre(bureau, name="王强", birth_date=datetime.date(1979, 4, 1), current_post="科员")
    stored = write_lrmx(record_from_cadre(existing)).replace("科员".encode(), "副局长".encode())
    li = id_number_for(datetime.date(1990, 7, 5), "2")
    zhou = id_number_for(datetime.date(1985, 1, 9), "1")
    files = {
        "财政局/王强.lrmx": stored,
        "财政局/李华.lrmx": _form("李华", datetime.date(1990, 7, 5), "2", li, XianRenZhiWu="演示县财政局科员"),
        "财政局/周全.lrmx": _form("周全", datetime.date(1985, 1, 9), "1", zhou, XingBie="男性"),
    }
    login(page, live_server.url, "officer")
    page.click("text=干部信息导入")
    page.select_option("#id_unit", label="演示县财政局")
    page.set_input_files("#id_file", {"name": "任免审批表.zip", "mimeType": ZIP, "buffer": builders.zip_of(files)})
    page.click("text=上传并校验")
    expect(page.locator("h1")).to_contain_text("任免审批表导入")
    expect(page.locator("[data-count=invalid]")).to_have_text("1", timeout=30_000)
    expect(page.locator(".import-preview")).to_contain_text("财政局/周全.lrmx")
    expect(page.locator(".import-errors")).to_contain_text("XingBie")
    expect(page.locator("#commit-form")).to_have_count(0)
    expect(page.get_by_text("下载标注错误的工作簿")).to_have_count(0)
    page.screenshot(path=f"{screenshot_dir}/lrmx-import-errors.png", full_page=True)

    files["财政局/周全.lrmx"] = _form("周全", datetime.date(1985, 1, 9), "1", zhou)
    page.click("text=全部导入记录")
    expect(page.locator("table[data-section=imports]")).to_contain_text("任免审批表（LRMX/LRM）")
    page.select_option("#id_unit", label="演示县财政局")
    page.set_input_files("#id_file", {"name": "任免审批表.zip", "mimeType": ZIP, "buffer": builders.zip_of(files)})
    page.click("text=上传并校验")
    expect(page.locator("[data-count=new]")).to_have_text("2", timeout=30_000)
    expect(page.locator("[data-count=changed]")).to_have_text("1")
    page.click(".rec-tabs a[href='?rows=changed']")
    expect(page.locator(".import-preview")).to_contain_text("财政局/王强.lrmx")
    expect(page.locator(".diff-table")).to_contain_text("副局长")
    expect(page.locator(".import-preview")).to_contain_text("按公民身份号码匹配")
    page.click(".rec-tabs a[href='?rows=new']")
    expect(page.locator(".import-preview")).to_contain_text("新增人员")
    page.screenshot(path=f"{screenshot_dir}/lrmx-import-preview.png", full_page=True)

    page.click("text=确认导入")
    expect(page.locator(".import-state strong")).to_have_text("已导入", timeout=30_000)
    existing.refresh_from_db()
    assert existing.current_post == "副局长"
    li_hua = Cadre.objects.get(name="李华")
    assert li_hua.unit == bureau and li_hua.id_number == li

    page.goto(f"{live_server.url}/cadres/{li_hua.pk}/form/")
    expect(page.locator("[data-field=name]")).to_have_text("李华")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator(".form-toolbar")).to_be_hidden()
    page.screenshot(path=f"{screenshot_dir}/lrmx-imported-printed-form.png", full_page=True)
