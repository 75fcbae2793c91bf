"""信息变更审核: a clerk proposes, org staff approve (applied atomically and
attributed) or reject with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from personnel import services
from personnel.models import Cadre, ChangeRequest, ChangeRequestStatus
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db
CadreEvent = Cadre.pgh_event_model  # type: ignore[attr-defined]


@pytest.fixture
def world():
    root = make_unit("甲县")
    unit = make_unit("甲县财政局", parent=root)
    other = make_unit("甲县教育局", parent=root)
    jurisdiction = make_jurisdiction("甲县委组织部", root)
    return {
        "cadre": make_cadre(unit, name="张三", current_post="副局长"),
        "other_cadre": make_cadre(other, name="李四"),
        "clerk": make_user("clerk", Role.UNIT_CLERK, unit=unit),
        "officer": make_user("officer", Role.ORG_STAFF, jurisdiction=jurisdiction),
        "leader": make_user("leader", Role.LEADER, jurisdiction=jurisdiction),
    }


def test_clerk_request_is_applied_on_approval_and_attributed(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}, note="已任命"
    )
    assert request.original == {"current_post": "副局长"}
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "副局长"  # nothing changes before approval

    approved = services.change_request_approve(actor=world["officer"], change_request=request)
    assert approved.status == ChangeRequestStatus.APPROVED
    assert approved.decided_by == world["officer"]
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "局长"
    event = CadreEvent.objects.filter(pgh_obj_id=world["cadre"].pk, pgh_label="update").get()
    assert event.pgh_context.metadata["user"] == world["officer"].pk
    assert event.pgh_context.metadata["change_request"] == request.pk
    assert event.pgh_context.metadata["requested_by"] == world["clerk"].pk


def test_invalid_proposal_is_refused_at_submission(world):
    with pytest.raises(ValidationError) as exc:
        services.change_request_submit(actor=world["clerk"], cadre=world["cadre"], changes={"id_number": "123"})
    assert "id_number" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.change_request_submit(actor=world["clerk"], cadre=world["cadre"], changes={"unit": 1})
    with pytest.raises(ValidationError):
        services.change_request_submit(actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "副局长"})
    assert not ChangeRequest.objects.exists()


def test_clerk_cannot_propose_for_another_unit(world):
    with pytest.raises(PermissionDenied):
        services.change_request_submit(actor=world["clerk"], cadre=world["other_cadre"], changes={"current_post": "x"})


def test_rejection_needs_a_reason_and_changes_nothing(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}
    )
    with pytest.raises(ValidationError):
        services.change_request_reject(actor=world["officer"], change_request=request, reason="  ")
    rejected = services.change_request_reject(actor=world["officer"], change_request=request, reason="未见任职文件")
    assert rejected.status == ChangeRequestStatus.REJECTED
    assert rejected.decision_reason == "未见任职文件"
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "副局长"


def test_a_request_is_decided_once(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}
    )
    services.change_request_approve(actor=world["officer"], change_request=request)
    with pytest.raises(ValidationError):
        services.change_request_approve(actor=world["officer"], change_request=request)
    with pytest.raises(ValidationError):
        services.change_request_reject(actor=world["officer"], change_request=request, reason="x")


def test_leader_and_clerk_cannot_approve(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}
    )
    for actor in (world["leader"], world["clerk"]):
        with pytest.raises(PermissionDenied):
            services.change_request_approve(actor=actor, change_request=request)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING


def test_approval_refuses_when_the_record_moved_on(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}
    )
    services.cadre_update(actor=world["officer"], cadre=world["cadre"], data={"current_post": "调研员"})
    with pytest.raises(ValidationError, match="现任职务"):
        services.change_request_approve(actor=world["officer"], change_request=request)
    world["cadre"].refresh_from_db()
    assert world["cadre"].current_post == "调研员"


def test_requester_can_withdraw_only_their_own_pending_request(world):
    request = services.change_request_submit(
        actor=world["clerk"], cadre=world["cadre"], changes={"current_post": "局长"}
    )
    with pytest.raises(PermissionDenied):
        services.change_request_withdraw(actor=world["officer"], change_request=request)
    withdrawn = services.change_request_withdraw(actor=world["clerk"], change_request=request)
    assert withdrawn.status == ChangeRequestStatus.WITHDRAWN
