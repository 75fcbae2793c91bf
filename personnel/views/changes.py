"""信息变更审核 pages: a clerk follows their own requests; org staff review
the requests about cadres in their jurisdiction and approve or reject them.
Every decision goes through the services; a refusal shows as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.access import scope_of
from accounts.views import browser_login_required
from personnel import record_selectors, services
from personnel.forms import RejectForm
from personnel.models import ChangeRequest, ChangeRequestStatus

PAGE_SIZE = 25


@require_safe
@browser_login_required
def change_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    reviewer = scope_of(actor).can_write_any
    default = ChangeRequestStatus.PENDING.value if reviewer else "all"
    status = request.GET.get("status") or default
    if status != "all" and status not in ChangeRequestStatus.values:
        status = default
    requests = record_selectors.change_request_list(actor=actor, status="" if status == "all" else status)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = record_selectors.change_request_counts(actor=actor)
    labels = record_selectors.change_request_labels(page.object_list)
    context = {
        "page": page,
        "status": status,
        "reviewer": reviewer,
        "rows": [(item, labels[item.pk]) for item in page.object_list],
        "status_tabs": [
            *((value, label, counts[value]) for value, label in ChangeRequestStatus.choices),
            ("all", "全部", sum(counts.values())),
        ],
    }
    return render(request, "personnel/changes/list.html", context)


def _detail_context(request: HttpRequest, change_request: ChangeRequest, **extra: Any) -> dict[str, Any]:
    actor = request.user
    pending = change_request.status == ChangeRequestStatus.PENDING
    rows = record_selectors.change_request_rows(change_request)
    return {
        "change_request": change_request,
        "rows": rows,
        "moved_on": any(row.moved_on for row in rows),
        "can_review": pending and record_selectors.can_review(actor, change_request),
        "can_withdraw": pending and change_request.requested_by_id == actor.pk,
        "reject_form": RejectForm(),
        **extra,
    }


@require_safe
@browser_login_required
def change_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    change_request = record_selectors.change_request_for(actor=request.user, request_id=request_id)
    return render(request, "personnel/changes/detail.html", _detail_context(request, change_request))


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您无权执行此操作"


@require_POST
@browser_login_required
def change_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    change_request = record_selectors.change_request_for(actor=request.user, request_id=request_id)
    try:
        services.change_request_approve(actor=request.user, change_request=change_request)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能通过：{_refusal(exc)}")
    else:
        messages.success(request, f"已通过该变更申请，{change_request.cadre.name}的信息已更新。")
    return redirect("personnel:change-detail", request_id=change_request.pk)


@require_POST
@browser_login_required
def change_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    change_request = record_selectors.change_request_for(actor=request.user, request_id=request_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, change_request, reject_form=form)
        return render(request, "personnel/changes/detail.html", context, status=400)
    try:
        services.change_request_reject(
            actor=request.user,  # type: ignore[arg-type]
            change_request=change_request,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能驳回：{_refusal(exc)}")
    else:
        messages.success(request, "已驳回该变更申请，申请人将看到驳回理由。")
    return redirect("personnel:change-detail", request_id=change_request.pk)


@require_POST
@browser_login_required
def change_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    change_request = record_selectors.change_request_for(actor=request.user, request_id=request_id)
    try:
        services.change_request_withdraw(actor=request.user, change_request=change_request)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能撤回：{_refusal(exc)}")
    else:
        messages.success(request, "已撤回该变更申请。")
    return redirect("personnel:change-detail", request_id=change_request.pk)
