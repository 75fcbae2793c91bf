"""The alert centre in a real browser: org staff find an alert by rule,
read its explanation, acknowledge it, resolve it with a note, and see it
gone from the open list and from the cadre's page; a clerk sees only their
unit's alerts."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.access import SYSTEM
from accounts.models import Role
from alerts import engine, services
from personnel.models import Code, CodeTable
from tests.e2e.test_registry import login
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


@pytest.fixture
def county():
    root = make_unit("演示县", region_code="130534")
    finance = make_unit("演示县财政局", parent=root)
    town = make_unit("演示县城关镇", parent=root)
    jurisdiction = make_jurisdiction("演示县委组织部", root)
    principal = Code.objects.get(table=CodeTable.POST_LEVEL, code="1A41")
    zhang = make_cadre(
        finance,
        name="张久任",
        current_post="演示县财政局局长",
        current_post_date=D(2013, 3, 1),
        post_level=principal,
    )
    make_cadre(town, name="王镇长", current_post="镇长", current_post_date=D(2012, 3, 1), post_level=principal)
    make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction)
    make_user("clerk", Role.UNIT_CLERK, unit=finance)
    run = services.run_start(actor=SYSTEM, check_date=D(2025, 9, 1))
    for chunk_id in engine.prepare(run):
        engine.process_chunk(chunk_id)
    return {"zhang": zhang}


def test_staff_acknowledge_and_resolve_an_alert(live_server, page: Page, county, screenshot_dir):
    base = live_server.url
    login(page, base, "officer")
    page.get_by_role("link", name="预警", exact=True).click()
    expect(page.get_by_role("heading", name="预警中心")).to_be_visible()
    table = page.locator("table[data-section=alerts]")
    expect(table.get_by_role("link", name="张久任")).to_be_visible()
    expect(table.get_by_role("link", name="王镇长")).to_be_visible()
    page.locator("#id_rule").select_option("rotation_post")
    page.get_by_role("button", name="筛选").click()
    page.screenshot(path=f"{screenshot_dir}/alert_center.png", full_page=True)

    table.locator("tr", has_text="张久任").get_by_role("link", name="处理").click()
    expect(page.locator("[data-field=message]")).to_contain_text(
        "超过 10 年必须交流（政策：交流轮岗年限，自 2025-01-01 起）"
    )
    page.locator("form[data-form=acknowledge] textarea").fill("已阅，研究交流方案")
    page.get_by_role("button", name="确认知悉").click()
    expect(page.locator("[data-field=state]")).to_have_text("已知悉")

    page.locator("form[data-form=resolve] textarea").fill("已交流至县发改局任局长")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("[data-field=state]")).to_have_text("已处理")
    expect(page.locator(".alert-events")).to_contain_text("已交流至县发改局任局长")
    page.screenshot(path=f"{screenshot_dir}/alert_detail.png", full_page=True)

    page.goto(f"{base}/alerts/")
    expect(page.locator("table[data-section=alerts]").get_by_role("link", name="张久任")).to_have_count(0)
    page.goto(f"{base}/cadres/{county['zhang'].pk}/")
    expect(page.locator("[data-section=cadre-alerts]")).to_have_count(0)


def test_clerk_sees_only_their_units_alerts(live_server, page: Page, county):
    base = live_server.url
    login(page, base, "clerk")
    page.goto(f"{base}/alerts/")
    table = page.locator("table[data-section=alerts]")
    expect(table.get_by_role("link", name="张久任")).to_be_visible()
    expect(table.get_by_role("link", name="王镇长")).to_have_count(0)


def test_a_check_started_in_the_browser_shows_its_progress_until_done(live_server, page: Page, county):
    from pathlib import Path

    from celery.contrib.testing.worker import start_worker

    from alerts import tasks  # noqa: F401 - registers the tasks with the app
    from cadre.celery import app

    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    base = live_server.url
    login(page, base, "officer")
    page.goto(f"{base}/alerts/")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        page.get_by_role("button", name="立即检查全部干部").click()
        expect(page.get_by_role("heading", name=re.compile(r"^预警检查 #\d+$"))).to_be_visible()
        expect(page.locator("progress")).to_be_visible()
        # The page polls the run's progress and reloads itself when it is done.
        expect(page.locator("[data-field=status]")).to_have_text("已完成", timeout=30_000)
    expect(page.locator("[data-section=per-rule]")).to_contain_text("任同一职务满年限必须交流")
    expect(page.locator("[data-field=percent]")).to_have_text("100%")
