"""/api/v1/change-requests/: a clerk proposes, org staff approve or reject,
the requester withdraws; each list shows only what the persona may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from personnel import services
from personnel.api.views.change_requests import ONLY_CLERKS, ORG_STAFF_EDIT_DIRECTLY
from personnel.models import ChangeRequest, ChangeRequestStatus
from tests.api.conftest import client_as, registry_state
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "/api/v1/change-requests/"


def action(pk: int, name: str) -> str:
    return reverse(f"api:changerequest-{name}", kwargs={"pk": pk})


@pytest.fixture
def pending(world):
    return services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}, note="已任命"
    )


# --- proposing -----------------------------------------------------------------------------------


def test_clerk_proposes_a_change_in_api_form(world, as_persona):
    cadre = world["cadre"]
    response = as_persona("clerk").post(
        LIST,
        {"cadre": cadre.pk, "changes": {"current_post": "局长", "ethnicity": "02", "current_post_date": "2024-03-01"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["status_display"] == "待审核"
    assert body["changes"]["current_post"] == "局长"
    assert body["changes"]["current_post_date"] == "2024-03-01"
    assert body["changes"]["ethnicity"] == "02"  # codes by code value, as the cadre endpoints take them
    assert body["original"]["ethnicity"] == "01"
    assert body["labels"]["current_post"] == "现任职务"
    assert body["original"]["current_post"] == "副局长"
    cadre.refresh_from_db()
    assert cadre.current_post == "副局长"  # nothing changes before approval


def test_proposal_errors_are_reported_under_changes(world, as_persona):
    client = as_persona("clerk")
    cadre = world["cadre"]
    before = registry_state()
    unknown = client.post(LIST, {"cadre": cadre.pk, "changes": {"unit": 1, "version": 9}}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["changes"] == {
        "unit": ["该项不能通过变更申请修改"],
        "version": ["该项不能通过变更申请修改"],
    }
    bad_value = client.post(LIST, {"cadre": cadre.pk, "changes": {"birth_date": "昨天"}}, format="json")
    assert "birth_date" in bad_value.json()["errors"]["changes"]
    bad_id = client.post(LIST, {"cadre": cadre.pk, "changes": {"id_number": "123"}}, format="json")
    assert bad_id.status_code == 400
    assert "id_number" in bad_id.json()["errors"]["changes"]
    same = client.post(LIST, {"cadre": cadre.pk, "changes": {"current_post": "副局长"}}, format="json")
    assert same.status_code == 400
    assert same.json()["detail"] == "没有需要变更的内容"
    assert registry_state() == before


@pytest.mark.parametrize(
    ("persona", "status", "message"),
    [
        ("owner", 403, ORG_STAFF_EDIT_DIRECTLY),
        ("leader", 403, ONLY_CLERKS),
        ("admin", 403, ONLY_CLERKS),
        ("clerk_b", 400, None),  # 甲县's cadre is no choice for 乙县's clerk
    ],
)
def test_only_the_cadres_clerk_may_propose(world, as_persona, persona, status, message):
    before = registry_state()
    response = as_persona(persona).post(
        LIST, {"cadre": world["cadre"].pk, "changes": {"current_post": "局长"}}, format="json"
    )
    assert response.status_code == status
    if message:
        assert response.json() == {"detail": message}
    else:
        assert "cadre" in response.json()["errors"]
    assert registry_state() == before


# --- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("clerk", True),
        ("owner", True),
        # The same rule as the browser's review pages: requests are the
        # requester's and the reviewers', not the read-only roles'.
        ("leader", False),
        ("api_client", False),
        ("clerk_b", False),
        ("outsider", False),
        ("admin", False),
    ],
)
def test_who_sees_a_request(as_persona, pending, persona, visible):
    client = as_persona(persona)
    listed = [row["id"] for row in client.get(LIST).json()["results"]]
    assert listed == ([pending.pk] if visible else [])
    assert client.get(f"{LIST}{pending.pk}/").status_code == (200 if visible else 404)


def test_a_clerk_sees_only_their_own_requests(world, pending):
    world["clerk2"] = make_user("clerk2", Role.UNIT_CLERK, unit=world["finance_a"])
    client = client_as(world, "clerk2")
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{pending.pk}/").status_code == 404


def test_list_filters_by_status_and_cadre(world, as_persona, pending):
    client = as_persona("owner")
    assert client.get(LIST, {"status": "pending"}).json()["count"] == 1
    assert client.get(LIST, {"status": "approved"}).json()["count"] == 0
    assert client.get(LIST, {"cadre": world["cadre_a2"].pk}).json()["count"] == 0
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


# --- deciding ----------------------------------------------------------------------------------------


def test_owner_approves_and_the_change_applies(world, as_persona, pending):
    response = as_persona("owner").post(action(pending.pk, "approve"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == world["owner"].pk
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "局长"


def test_owner_rejects_with_a_reason(world, as_persona, pending):
    client = as_persona("owner")
    no_reason = client.post(action(pending.pk, "reject"), {"reason": "  "}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"]["reason"] == ["该字段不能为空。"]
    response = client.post(action(pending.pk, "reject"), {"reason": "未见任职文件"}, format="json")
    assert response.status_code == 200
    assert response.json()["decision_reason"] == "未见任职文件"
    again = client.post(action(pending.pk, "approve"))
    assert again.status_code == 400
    assert "不能再处理" in again.json()["detail"]
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "副局长"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("clerk", 403), ("leader", 404), ("api_client", 404), ("outsider", 404), ("clerk_b", 404), ("admin", 404)],
)
def test_others_cannot_decide(world, as_persona, pending, persona, status):
    client = as_persona(persona)
    before = registry_state()
    assert client.post(action(pending.pk, "approve")).status_code == status
    assert client.post(action(pending.pk, "reject"), {"reason": "不同意"}, format="json").status_code == status
    assert registry_state() == before


def test_requester_withdraws_and_others_cannot(world, as_persona, pending):
    before = registry_state()
    refused = as_persona("owner").post(action(pending.pk, "withdraw"))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "只能撤回自己提交的申请"}
    assert as_persona("clerk_b").post(action(pending.pk, "withdraw")).status_code == 404
    assert registry_state() == before
    response = as_persona("clerk").post(action(pending.pk, "withdraw"))
    assert response.status_code == 200
    assert ChangeRequest.objects.get(pk=pending.pk).status == ChangeRequestStatus.WITHDRAWN


def test_approval_is_refused_when_the_record_moved_on(world, as_persona, pending):
    services.cadre_update(actor=world["owner"], cadre=world["cadre"], data={"current_post": "调研员"})
    response = as_persona("owner").post(action(pending.pk, "approve"))
    assert response.status_code == 400
    assert "现任职务" in response.json()["detail"]
    assert ChangeRequest.objects.get(pk=pending.pk).status == ChangeRequestStatus.PENDING
