"""A unit clerk's whole roster round in the browser: download the template,
fill it in, upload, read the preview with its errors, fix the file, upload
again and commit — with a real Celery worker doing the work."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import Role
from personnel.models import Cadre
from tests.factories import id_number_for, make_cadre, make_unit, make_user


@pytest.fixture
def worker(live_worker: None) -> None:
    """Imports go through a real worker."""


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    expect(page.locator(".user-name")).to_have_text(username)


def test_clerk_fills_the_template_fixes_errors_and_commits(
    worker: None, live_server: Any, page: Page, screenshot_dir: str, tmp_path: Path
) -> None:
    root = make_unit("清河县")
    bureau = make_unit("县财政局", parent=root)
    existing = make_cadre(bureau, name="王强", current_post="科员", birth_date=datetime.date(1979, 4, 1))
    make_user("clerk", Role.UNIT_CLERK, unit=bureau)
    _login(page, live_server.url, "clerk")

    page.click("text=干部信息导入")
    with page.expect_download() as download_info:
        page.click("text=下载导入模板")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    workbook = load_workbook(template)
    sheet = workbook["花名册"]
    columns = {c.value: c.column for c in sheet[1]}
    rows: list[dict[str, Any]] = [
        {"姓名": "王强", "公民身份号码": existing.id_number, "现任职务": "副局长", "任现职时间": "2024.03"},
        {"姓名": "李华", "性别": "女", "民族": "汉", "出生年月": "1990.07",
         "公民身份号码": id_number_for(datetime.date(1990, 7, 5), "2"), "全日制学历": "大学", "现任职务": "科员"},
    ]  # fmt: skip
    for offset, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=offset, column=columns[header]).value = value
    filled = tmp_path / "花名册.xlsx"
    workbook.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("text=上传并校验")
    expect(page.locator("[data-count=invalid]")).to_have_text("1", timeout=30_000)
    expect(page.locator(".import-errors")).to_contain_text("是否应为“汉族”")
    expect(page.locator(".import-errors")).to_contain_text("D3")
    expect(page.locator("#commit-form")).to_have_count(0)
    page.screenshot(path=f"{screenshot_dir}/roster-import-errors.png", full_page=True)

    with page.expect_download() as marked_info:
        page.click("text=下载标注错误的工作簿")
    marked = load_workbook(io.BytesIO(Path(marked_info.value.path()).read_bytes()))
    assert "是否应为“汉族”" in marked["花名册"].cell(row=3, column=len(columns) + 1).value

    sheet.cell(row=3, column=columns["民族"]).value = "汉族"
    workbook.save(filled)
    page.click("text=全部导入记录")
    page.set_input_files("#id_file", str(filled))
    page.click("text=上传并校验")
    expect(page.locator("[data-count=new]")).to_have_text("1", timeout=30_000)
    expect(page.locator("[data-count=changed]")).to_have_text("1")
    page.click(".rec-tabs a[href='?rows=changed']")
    expect(page.locator(".diff-table")).to_contain_text("科员")
    expect(page.locator(".diff-table")).to_contain_text("副局长")
    page.screenshot(path=f"{screenshot_dir}/roster-import-preview.png", full_page=True)

    page.click("text=确认导入")
    expect(page.locator(".import-state strong")).to_have_text("已导入", timeout=30_000)
    existing.refresh_from_db()
    assert existing.current_post == "副局长"
    assert Cadre.objects.get(name="李华").unit == bureau
