"""The registry in a real browser: search by pinyin initials, filter, open a
cadre, edit it, export the list, and a clerk's change request approved by
org staff."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from personnel.models import Cadre, Code, CodeTable, Education, EducationKind
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def county():
    root = make_unit("演示县")
    finance = make_unit("演示县财政局", parent=root)
    jurisdiction = make_jurisdiction("演示县委组织部", root)
    zhang = make_cadre(finance, name="张三", current_post="副局长", birth_date=datetime.date(1980, 5, 1))
    li = make_cadre(finance, name="李四", sex="2", current_post="科员", birth_date=datetime.date(1990, 3, 1))
    university = Code.objects.get(table=CodeTable.EDUCATION, code="21")
    for cadre in (zhang, li):
        Education.objects.create(cadre=cadre, kind=EducationKind.FULL_TIME, education=university)
    make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction)
    make_user("clerk", Role.UNIT_CLERK, unit=finance)
    return {"zhang": zhang, "li": li}


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/")


def test_search_filter_open_edit_and_export(live_server, page: Page, county, screenshot_dir):
    base = live_server.url
    login(page, base, "officer")
    page.goto(f"{base}/cadres/")

    page.locator("input[name=q]").fill("zs")
    page.get_by_role("button", name="查询").first.click()
    table = page.locator("table").first
    expect(table.get_by_role("link", name="张三")).to_be_visible()
    expect(table.get_by_role("link", name="李四")).to_have_count(0)
    assert "q=zs" in page.url  # the list state lives in the URL

    page.goto(f"{base}/cadres/")
    page.get_by_text("筛选条件").click()
    page.locator("#id_sex").select_option("2")
    page.locator("details").filter(has_text="筛选条件").get_by_role("button", name="查询").click()
    expect(table.get_by_role("link", name="李四")).to_be_visible()
    expect(table.get_by_role("link", name="张三")).to_have_count(0)
    page.screenshot(path=f"{screenshot_dir}/cadre_list.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    # openpyxl insists on an .xlsx name; Playwright's download file has none.
    workbook = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "李四" in values and "张三" not in values

    table.get_by_role("link", name="李四").click()
    expect(page.get_by_text("干部任免审批表")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/cadre_page.png", full_page=True)

    page.get_by_role("link", name="编辑基本信息").click()
    page.locator("#id_current_post").fill("二级主任科员")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("二级主任科员").first).to_be_visible()
    assert Cadre.objects.get(pk=county["li"].pk).current_post == "二级主任科员"


def test_clerk_change_request_is_approved_by_org_staff(live_server, browser: Browser, county, screenshot_dir):
    base = live_server.url
    cadre = county["zhang"]

    clerk_page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    clerk_page.on("dialog", lambda dialog: dialog.accept())
    login(clerk_page, base, "clerk")
    clerk_page.goto(f"{base}/cadres/{cadre.pk}/edit/")
    clerk_page.locator("#id_current_post").fill("局长")
    clerk_page.locator("#id_change_note").fill("县委已任命")
    clerk_page.get_by_role("button", name="提交变更申请").click()
    expect(clerk_page.get_by_text("待审核").first).to_be_visible()
    assert Cadre.objects.get(pk=cadre.pk).current_post == "副局长"  # nothing applied yet

    officer_page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    officer_page.on("dialog", lambda dialog: dialog.accept())
    login(officer_page, base, "officer")
    officer_page.goto(f"{base}/changes/")
    officer_page.get_by_role("link", name="审核", exact=True).first.click()
    expect(officer_page.get_by_text("局长").first).to_be_visible()
    officer_page.screenshot(path=f"{screenshot_dir}/change_request.png", full_page=True)
    officer_page.get_by_role("button", name="通过").click()
    expect(officer_page.get_by_text("已通过").first).to_be_visible()
    assert Cadre.objects.get(pk=cadre.pk).current_post == "局长"

    clerk_page.goto(f"{base}/changes/")
    expect(clerk_page.get_by_text("已通过").first).to_be_visible()
