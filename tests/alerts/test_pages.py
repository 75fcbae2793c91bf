"""The alert centre in the browser, tried by several personas: scope (a
clerk sees only their units' alerts, out of scope is 404), who may act, the
export, runs and their progress, and the policies."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Alert, AlertEvent, AlertState, CheckRun, EventKind
from personnel.models import Policy
from tests.alerts.conftest import Rule, cadre, run_checks

D = datetime.date


@pytest.fixture
def checked(world):
    # A clerk's unit gets an alert of its own: a deputy of 甲县财政局 at 8 years.
    from tests.alerts.conftest import level

    world["deputy"] = cadre(
        world["units"]["finance_a"],
        "甲副局",
        current_post="甲县财政局副局长",
        current_post_date=D(2017, 1, 1),
        post_level=level("1A42"),
    )
    world["town_long"] = cadre(
        world["units"]["town_a"],
        "甲镇长",
        current_post="甲县城关镇镇长",
        current_post_date=D(2014, 1, 1),
        post_level=level("1A41"),
    )
    run_checks()
    world["alert_a"] = Alert.objects.get(cadre=world["long_a"], rule=Rule.ROTATION_POST)
    world["alert_b"] = Alert.objects.get(cadre=world["long_b"], rule=Rule.ROTATION_POST)
    world["alert_town"] = Alert.objects.get(cadre=world["town_long"], rule=Rule.ROTATION_POST)
    return world


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world["users"][persona])
    return client


def test_org_staff_see_their_jurisdictions_alerts_with_counts(checked):
    response = client_for(checked, "staff_a").get(reverse("alerts:center"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "甲久任" in body and "甲镇长" in body and "乙久任" not in body
    by_rule = {rule: n for rule, _label, n in response.context["by_rule"]}
    assert by_rule[Rule.ROTATION_POST] == 2 and by_rule[Rule.ROTATION_DEPUTY] == 1
    assert {row["name"] for row in response.context["by_unit"]} == {"甲县财政局", "甲县城关镇"}


def test_clerk_sees_only_their_units_alerts(checked):
    client = client_for(checked, "clerk_a")
    body = client.get(reverse("alerts:center")).content.decode()
    assert "甲久任" in body and "甲副局" in body
    assert "甲镇长" not in body and "乙久任" not in body
    assert client.get(reverse("alerts:detail", args=[checked["alert_town"].pk])).status_code == 404
    assert client.get(reverse("alerts:detail", args=[checked["alert_b"].pk])).status_code == 404


def test_out_of_scope_alert_is_not_found_like_a_missing_one(checked):
    client = client_for(checked, "staff_b")
    assert client.get(reverse("alerts:detail", args=[checked["alert_a"].pk])).status_code == 404
    assert client.get(reverse("alerts:detail", args=[999999])).status_code == 404
    response = client.post(reverse("alerts:resolve", args=[checked["alert_a"].pk]), {"note": "越权"})
    assert response.status_code == 404
    checked["alert_a"].refresh_from_db()
    assert checked["alert_a"].state == AlertState.OPEN


def test_unit_filter_outside_scope_is_not_found(checked):
    client = client_for(checked, "clerk_a")
    response = client.get(reverse("alerts:center"), {"unit": checked["units"]["town_a"].pk})
    assert response.status_code == 404


def test_filters_by_rule_unit_state_and_due_date(checked):
    client = client_for(checked, "staff_a")
    rows = lambda **params: {a.cadre.name for a in client.get(reverse("alerts:center"), params).context["page"]}  # noqa: E731
    assert rows(rule=Rule.ROTATION_DEPUTY) == {"甲副局"}
    assert rows(unit=checked["units"]["town_a"].pk) == {"甲镇长"}
    assert rows(rule=Rule.ROTATION_POST, due_before="2023-12-31") == {"甲久任"}
    assert rows(rule=Rule.ROTATION_POST, due_after="2024-01-01") == {"甲镇长"}
    assert rows(state="resolved") == set()


def test_staff_acknowledge_assign_and_resolve_with_a_note(checked):
    alert = checked["alert_a"]
    client = client_for(checked, "staff_a")
    detail = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "超过 10 年必须交流" in detail and "自 2025-01-01 起" in detail
    client.post(reverse("alerts:acknowledge", args=[alert.pk]), {"note": "已阅"})
    assignee = checked["users"]["staff_a2"]
    client.post(reverse("alerts:assign", args=[alert.pk]), {"assignee": assignee.pk, "note": "请拟交流方案"})
    assert client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": ""}).status_code == 400
    client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": "已交流至县发改局"})
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED and alert.assigned_to == assignee and alert.note == "已交流至县发改局"
    kinds = list(AlertEvent.objects.filter(alert=alert, actor__isnull=False).values_list("kind", flat=True))
    assert kinds == [EventKind.ACKNOWLEDGED, EventKind.ASSIGNED, EventKind.RESOLVED]


def test_clerk_may_acknowledge_but_not_resolve(checked):
    alert = checked["alert_a"]
    client = client_for(checked, "clerk_a")
    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    assert client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED


def test_leader_reads_but_cannot_act(checked):
    alert = checked["alert_a"]
    client = client_for(checked, "leader_a")
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 200
    assert client.post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 403
    assert client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and not AlertEvent.objects.filter(alert=alert, actor__isnull=False)


def test_admin_roles_see_no_alerts(checked):
    client = client_for(checked, "sysadmin")
    assert client.get(reverse("alerts:center")).status_code == 403
    assert client.get(reverse("alerts:detail", args=[checked["alert_a"].pk])).status_code == 404


def test_export_holds_the_filtered_scoped_list(checked):
    client = client_for(checked, "clerk_a")
    response = client.get(reverse("alerts:export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    names = [row[0].value for row in workbook.active.iter_rows(min_row=2)]
    assert sorted(names) == ["甲久任", "甲副局"]


def test_cadre_page_shows_open_alerts(checked):
    client = client_for(checked, "staff_a")
    body = client.get(reverse("personnel:cadre-detail", args=[checked["long_a"].pk])).content.decode()
    assert "未办结的预警" in body and "超过 10 年必须交流" in body


def test_start_a_run_and_follow_its_progress(checked, django_capture_on_commit_callbacks):
    client = client_for(checked, "staff_a")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("alerts:run-start"))
    run = CheckRun.objects.order_by("-pk")[0]
    assert response.status_code == 302 and response["Location"] == reverse("alerts:run-detail", args=[run.pk])
    assert run.started_by == checked["users"]["staff_a"] and run.trigger == "manual"
    assert len(callbacks) == 1  # the preparation, enqueued after commit
    progress = client.get(reverse("alerts:run-progress", args=[run.pk])).json()
    assert progress["status"] == "preparing" and progress["finished"] is False
    # Asking again while it runs resumes it rather than starting a second one.
    client.post(reverse("alerts:run-start"))
    assert CheckRun.objects.filter(status__in=["preparing", "running"]).count() == 1


def test_clerks_and_leaders_cannot_start_runs(checked):
    for persona in ("clerk_a", "leader_a", "sysadmin"):
        before = CheckRun.objects.count()
        assert client_for(checked, persona).post(reverse("alerts:run-start")).status_code == 403
        assert CheckRun.objects.count() == before


def test_the_policy_page_lists_every_registered_policy_with_the_retirement_ages(checked):
    response = client_for(checked, "staff_a").get(reverse("alerts:policy-list"))
    body = response.content.decode()
    assert response.context["policies"][0]["key"] == "retirement_age"
    assert "法定退休年龄" in body and "处分影响期" in body and "试用期" in body
    form = client_for(checked, "sysadmin").get(reverse("alerts:policy-edit", args=["retirement_age"])).context["form"]
    assert form["male_base_age_years"].value() == 60 and form["female_worker_cap_months"].value() == 60


def test_system_admin_adds_a_policy_version_others_only_read(checked):
    url = reverse("alerts:policy-edit", args=["rotation"])
    assert client_for(checked, "staff_a").get(url).status_code == 403
    assert client_for(checked, "staff_a").get(reverse("alerts:policy-list")).status_code == 200
    client = client_for(checked, "sysadmin")
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"effective_from": "2026-01-01", "must_rotate_years": "12", "note": "县委文件"})
    response = client.post(url, data)
    assert response.status_code == 302
    version = Policy.objects.get(key="rotation", effective_from=D(2026, 1, 1))
    assert version.params["must_rotate_years"] == 12 and version.params["deputy_levels"] == [
        "1A12",
        "1A22",
        "1A32",
        "1A42",
    ]
    assert version.changed_by == checked["users"]["sysadmin"]
    assert version.events.get().pgh_context.metadata["username"] == "sysadmin"  # type: ignore[attr-defined]


def test_policy_form_refuses_a_bad_pattern(checked):
    url = reverse("alerts:policy-edit", args=["home_county"])
    client = client_for(checked, "sysadmin")
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"effective_from": "2026-01-01", "post_patterns": "县委书记$\n([未闭合"})
    assert client.post(url, data).status_code == 400
    assert not Policy.objects.filter(key="home_county", effective_from=D(2026, 1, 1)).exists()


def test_alert_list_takes_the_same_queries_for_more_rows(checked):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(checked, "staff_a")
    client.get(reverse("alerts:center"))  # warm the session and scope

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("alerts:center")).status_code == 200
        return len(captured)

    few = queries()
    from tests.alerts.conftest import level

    for index in range(10):
        cadre(
            checked["units"]["town_a"],
            f"甲多{index}",
            current_post_date=D(2012, 1, 1),
            post_level=level("1A41"),
        )
    run_checks()
    assert Alert.objects.count() > 12
    assert queries() == few
