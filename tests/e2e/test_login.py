"""Logging in and out in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from tests.factories import make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_and_logout_in_the_browser(live_server, page: Page, screenshot_dir):
    root = make_unit("演示县")
    make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("演示县委组织部", root))

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()

    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("correct-horse-battery")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.screenshot(path=f"{screenshot_dir}/home.png", full_page=True)

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出系统")).to_be_visible()
