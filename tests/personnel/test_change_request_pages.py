"""信息变更审核 pages: the clerk follows their requests; org staff of the
cadre's jurisdiction approve or reject; everyone else sees nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personnel import services
from personnel.models import Cadre, ChangeRequest, ChangeRequestStatus, Code
from tests.factories import make_cadre
from tests.personnel.test_cadre_page import build_world, client_for

pytestmark = pytest.mark.django_db
CadreEvent = Cadre.pgh_event_model  # type: ignore[attr-defined]


@pytest.fixture
def world() -> dict[str, Any]:
    world = build_world()
    world["request"] = services.change_request_submit(
        actor=world["clerk_a"],
        cadre=world["cadre"],
        changes={
            "current_post": "甲县财政局党组书记、局长",
            "ethnicity": Code.objects.get(table="GB3304", code="03").pk,
        },
        note="县委〔2025〕3号文件",
    )
    return world


def url(name: str, request: ChangeRequest) -> str:
    return reverse(f"personnel:{name}", kwargs={"request_id": request.pk})


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# --- lists ----------------------------------------------------------------------------


def test_clerk_sees_their_requests_and_their_state(world):
    client = client_for(world["clerk_a"])
    body = client.get(reverse("personnel:change-list")).content.decode()
    assert "张建国" in body
    assert "现任职务、民族" not in body  # listed in the record's field order
    assert "民族、现任职务" in body
    assert '<span class="rec-state rec-state-pending">待审核</span>' in body
    services.change_request_reject(actor=world["org_a"], change_request=world["request"], reason="未见任职文件")
    body = client.get(reverse("personnel:change-list")).content.decode()
    assert '<span class="rec-state rec-state-rejected">已驳回</span>' in body
    assert "理由：未见任职文件" in body


def test_org_staff_see_pending_requests_of_their_jurisdiction(world):
    body = client_for(world["org_a"]).get(reverse("personnel:change-list")).content.decode()
    assert "张建国" in body and "clerk_a" in body
    assert url("change-detail", world["request"]) in body


def test_org_staff_filter_by_state(world):
    client = client_for(world["org_a"])
    services.change_request_approve(actor=world["org_a"], change_request=world["request"])
    assert "张建国" not in client.get(reverse("personnel:change-list")).content.decode()  # pending by default
    assert "张建国" in client.get(reverse("personnel:change-list") + "?status=approved").content.decode()
    assert "张建国" in client.get(reverse("personnel:change-list") + "?status=all").content.decode()
    assert client.get(reverse("personnel:change-list") + "?status=bogus").status_code == 200


@pytest.mark.parametrize("persona", ["org_b", "clerk_b", "clerk_other_a", "leader_a"])
def test_others_see_no_requests(world, persona):
    body = client_for(world[persona]).get(reverse("personnel:change-list") + "?status=all").content.decode()
    assert "张建国" not in body


def test_list_takes_a_fixed_number_of_queries(world):
    client = client_for(world["org_a"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("personnel:change-list")).status_code == 200
        return len(queries)

    few = count()
    for i in range(6):
        cadre = make_cadre(world["unit_a"], name=f"王{i}")
        services.change_request_submit(actor=world["clerk_a"], cadre=cadre, changes={"note": f"备注{i}"})
    assert count() == few


# --- detail and decisions --------------------------------------------------------------------


def test_detail_shows_the_difference_field_by_field(world):
    body = client_for(world["org_a"]).get(url("change-detail", world["request"])).content.decode()
    assert '<td class="rec-old">甲县财政局局长</td>' in body
    assert '<td class="rec-new">甲县财政局党组书记、局长</td>' in body
    assert '<td class="rec-old">汉族</td>' in body and '<td class="rec-new">回族</td>' in body
    assert "县委〔2025〕3号文件" in body
    assert url("change-approve", world["request"]) in body
    assert url("change-reject", world["request"]) in body


def test_approval_applies_the_change_and_names_the_approver(world):
    request = world["request"]
    client = client_for(world["org_a"])
    response = client.post(url("change-approve", request))
    assert response.status_code == 302
    cadre = fresh(world["cadre"])
    assert cadre.current_post == "甲县财政局党组书记、局长"
    assert cadre.ethnicity.name == "回族"
    request = fresh(request)
    assert request.status == ChangeRequestStatus.APPROVED
    assert request.decided_by == world["org_a"]
    event = CadreEvent.objects.filter(pgh_obj_id=cadre.pk, pgh_label="update").latest("pgh_id")
    assert event.pgh_context.metadata["user"] == world["org_a"].pk
    assert event.pgh_context.metadata["change_request"] == request.pk
    body = client.get(response["Location"]).content.decode()
    assert "已通过该变更申请" in body
    assert "审核通过" in body


def test_reject_requires_a_reason(world):
    request = world["request"]
    client = client_for(world["org_a"])
    response = client.post(url("change-reject", request), {"reason": "  "})
    assert response.status_code == 400
    assert "驳回时必须填写理由" in response.content.decode()
    assert fresh(request).status == ChangeRequestStatus.PENDING

    response = client.post(url("change-reject", request), {"reason": "未见任职文件"})
    assert response.status_code == 302
    request = fresh(request)
    assert (request.status, request.decision_reason) == (ChangeRequestStatus.REJECTED, "未见任职文件")
    assert fresh(world["cadre"]).current_post == "甲县财政局局长"
    clerk_view = client_for(world["clerk_a"]).get(url("change-detail", request)).content.decode()
    assert "驳回理由：</strong>未见任职文件" in clerk_view


def test_clerk_cannot_approve_or_reject(world):
    request = world["request"]
    client = client_for(world["clerk_a"])
    page = client.get(url("change-detail", request)).content.decode()
    assert url("change-approve", request) not in page
    response = client.post(url("change-approve", request), follow=True)
    assert response.status_code == 200
    assert "未能通过：无权修改该单位的数据" in response.content.decode()
    client.post(url("change-reject", request), {"reason": "自己驳回"})
    assert fresh(request).status == ChangeRequestStatus.PENDING
    assert fresh(world["cadre"]).current_post == "甲县财政局局长"


def test_requester_withdraws_and_others_cannot(world):
    request = world["request"]
    response = client_for(world["org_a"]).post(url("change-withdraw", request), follow=True)
    assert "只能撤回自己提交的申请" in response.content.decode()
    assert fresh(request).status == ChangeRequestStatus.PENDING
    response = client_for(world["clerk_a"]).post(url("change-withdraw", request), follow=True)
    assert "已撤回该变更申请" in response.content.decode()
    assert fresh(request).status == ChangeRequestStatus.WITHDRAWN


def test_approval_refused_when_the_record_moved_on_is_a_message(world):
    request = world["request"]
    services.cadre_update(actor=world["org_a2"], cadre=world["cadre"], data={"current_post": "调研员"})
    client = client_for(world["org_a"])
    page = client.get(url("change-detail", request)).content.decode()
    assert "已被修改" in page
    response = client.post(url("change-approve", request), follow=True)
    assert response.status_code == 200
    assert "申请提交后以下信息已被修改：现任职务" in response.content.decode()
    assert fresh(request).status == ChangeRequestStatus.PENDING
    assert fresh(world["cadre"]).current_post == "调研员"


def test_a_decided_request_cannot_be_decided_again(world):
    request = world["request"]
    client = client_for(world["org_a"])
    client.post(url("change-approve", request))
    response = client.post(url("change-reject", request), {"reason": "再驳回"}, follow=True)
    assert "不能再处理" in response.content.decode()
    assert fresh(request).status == ChangeRequestStatus.APPROVED


@pytest.mark.parametrize("persona", ["org_b", "clerk_b", "clerk_other_a", "leader_a"])
def test_out_of_scope_is_not_found_and_changes_nothing(world, persona):
    request = world["request"]
    client = client_for(world[persona])
    assert client.get(url("change-detail", request)).status_code == 404
    assert client.post(url("change-approve", request)).status_code == 404
    assert client.post(url("change-reject", request), {"reason": "x"}).status_code == 404
    assert client.post(url("change-withdraw", request)).status_code == 404
    assert fresh(request).status == ChangeRequestStatus.PENDING
    assert fresh(world["cadre"]).current_post == "甲县财政局局长"


def test_decisions_are_post_only(world):
    client = client_for(world["org_a"])
    assert client.get(url("change-approve", world["request"])).status_code == 405
    assert fresh(world["request"]).status == ChangeRequestStatus.PENDING


def test_decisions_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["org_a"])
    assert client.post(url("change-approve", world["request"])).status_code == 403
    assert fresh(world["request"]).status == ChangeRequestStatus.PENDING


def test_missing_request_is_not_found(world):
    assert client_for(world["org_a"]).get("/changes/999999/").status_code == 404
