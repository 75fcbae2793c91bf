"""The alert centre (预警中心) in the browser: counts by rule and by unit, the
filtered list and its export, one alert with its explanation and history
and the actions on it, check runs with a progress bar, and the policies.

Reads go through alerts.selectors (scoped), writes through alerts.services.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import scope_of
from accounts.views import browser_login_required
from alerts import selectors, services
from alerts.forms import AlertFilterForm, AssignForm, NoteForm, PolicyForm, ResolveForm
from alerts.models import RunStatus
from core.checks import policy_defaults, policy_spec, registered_checks, registered_policies, rule_label
from core.xlsx import XLSX_CONTENT_TYPE
from personnel import services as personnel_services
from personnel.access import require_cadre_scope, units_visible_to
from personnel.exports import EXPORT_MAX_ROWS, content_disposition, write_xlsx
from personnel.models import Policy
from personnel.policy_store import policy_rows_in_force

logger = logging.getLogger(__name__)
PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[AlertFilterForm, Any]:
    # A first visit lists what is still to work on; the form always sends
    # ``state`` (empty for 全部), so a submitted or bookmarked list is exact.
    data = request.GET.copy()
    data.setdefault("state", "active")
    form = AlertFilterForm(data)
    return form, selectors.alert_list_visible_to(actor=request.user, filters=form.filters())


@require_safe
@browser_login_required
def alert_center(request: HttpRequest) -> HttpResponse:
    require_cadre_scope(request.user)
    form, queryset = _filtered(request)
    page = Paginator(
        queryset.select_related("cadre__unit", "assigned_to").order_by("due_date", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    unit_choices = list(units_visible_to(request.user).order_by("path").values_list("pk", "name", "path")[:500])
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "by_rule": selectors.counts_by_rule(queryset),
        "by_unit": selectors.counts_by_unit(queryset),
        "unit_choices": [(pk, name, path.count("/") - 2) for pk, name, path in unit_choices],
        "latest_run": selectors.runs_visible_to(request.user).first(),
        "can_run": services.can_run_checks(request.user),
    }
    return render(request, "alerts/center.html", context)


def _export_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@require_safe
@browser_login_required
def alert_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx through personnel.exports' safe writer
    (text that a spreadsheet could read as a formula is written as text)."""
    require_cadre_scope(request.user)
    _form, queryset = _filtered(request)
    total = queryset.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(request, f"导出的预警超过 {EXPORT_MAX_ROWS} 条，请缩小筛选范围后分批导出。")
        return redirect(f"{reverse('alerts:center')}?{request.GET.urlencode()}")
    rows = (
        [
            alert.cadre.name,
            alert.cadre.unit.name,
            alert.cadre.current_post,
            alert.get_rule_display(),
            alert.get_severity_display(),
            alert.message,
            _export_value(alert.due_date),
            alert.get_state_display(),
            str(alert.assigned_to or ""),
            alert.note,
            _export_value(timezone.localtime(alert.created_at).date()),
        ]
        for alert in queryset.select_related("cadre__unit", "assigned_to").order_by("due_date", "id").iterator(2000)
    )
    headers = [
        "姓名",
        "所在单位",
        "现任职务",
        "规则",
        "级别",
        "说明",
        "到期日",
        "状态",
        "承办人",
        "处理意见",
        "发现日期",
    ]
    output = write_xlsx(rows, headers, sheet_title="预警")
    logger.info("alert export by user %s: %d rows, parameters %s", request.user.pk, total, request.GET.urlencode())
    today = timezone.localdate()
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"预警_{today:%Y%m%d}.xlsx", f"alerts_{today:%Y%m%d}.xlsx")
    return cast(HttpResponse, response)


@require_safe
@browser_login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for_actor(request.user, alert_id)
    return _detail(request, alert)


def _detail(request: HttpRequest, alert: Any, status: int = 200, **forms_: Any) -> HttpResponse:
    can_handle = services.can_handle(request.user, alert)
    context = {
        "alert": alert,
        "rule_label": rule_label(alert.rule),
        "events": alert.events.select_related("actor").order_by("created_at", "id"),
        "can_acknowledge": alert.state == "open" and services.can_acknowledge(request.user, alert),
        "can_handle": can_handle and alert.is_active,
        "ack_form": forms_.get("ack_form") or NoteForm(),
        "resolve_form": forms_.get("resolve_form") or ResolveForm(),
        "assign_form": forms_.get("assign_form")
        or (AssignForm(assignees=selectors.assignees_for(alert)) if can_handle else None),
    }
    return render(request, "alerts/detail.html", context, status=status)


def _back(alert_id: int) -> HttpResponse:
    return redirect("alerts:detail", alert_id=alert_id)


@require_POST
@browser_login_required
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for_actor(request.user, alert_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert, status=400, ack_form=form)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已确认知悉该预警。")
    return _back(alert.pk)


@require_POST
@browser_login_required
def alert_assign(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for_actor(request.user, alert_id)
    if not services.can_handle(request.user, alert):
        raise PermissionDenied("只有该干部所在管理权限范围内的组织部工作人员可以交办预警")
    form = AssignForm(request.POST, assignees=selectors.assignees_for(alert))
    if not form.is_valid():
        return _detail(request, alert, status=400, assign_form=form)
    try:
        services.alert_assign(
            actor=request.user, alert=alert, assignee=form.cleaned_data["assignee"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已交办给{form.cleaned_data['assignee']}。")
    return _back(alert.pk)


@require_POST
@browser_login_required
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for_actor(request.user, alert_id)
    if not services.can_handle(request.user, alert):
        raise PermissionDenied("只有该干部所在管理权限范围内的组织部工作人员可以办结预警")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert, status=400, resolve_form=form)
    try:
        services.alert_resolve(actor=request.user, alert=alert, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "预警已办结。")
    return _back(alert.pk)


# --- runs -------------------------------------------------------------------------------


@require_POST
@browser_login_required
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a check, or pick up the unfinished one."""
    if not services.can_run_checks(request.user):
        raise PermissionDenied("只有组织部干部科工作人员可以发起预警检查")
    current = services.active_run()
    if current is not None:
        services.run_resume(run=current)
        messages.info(request, f"预警检查 #{current.pk} 尚未完成，已继续执行。")
        return redirect("alerts:run-detail", run_id=current.pk)
    try:
        run = services.run_start(actor=request.user)
    except services.RunAlreadyActive as exc:
        return redirect("alerts:run-detail", run_id=exc.run.pk)
    messages.success(request, "预警检查已开始，完成后列表自动更新。")
    return redirect("alerts:run-detail", run_id=run.pk)


@require_safe
@browser_login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_for_actor(request.user, run_id)
    progress = selectors.run_progress(run)
    rules_table = [
        (str(check.rule), check.label, run.counts.get(check.rule, 0), run.seconds.get(check.rule))
        for check in registered_checks()
    ]
    context = {
        "run": run,
        "progress": progress,
        "rules_table": rules_table,
        "write_seconds": run.seconds.get("write"),
        "recent": selectors.runs_visible_to(request.user)[:10],
        "running": run.status in (RunStatus.PREPARING, RunStatus.RUNNING),
    }
    return render(request, "alerts/run.html", context)


@require_safe
@browser_login_required
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    run = selectors.run_for_actor(request.user, run_id)
    response = JsonResponse(selectors.run_progress(run))
    response["Cache-Control"] = "no-store"
    return response


# --- policies ------------------------------------------------------------------------------


def _require_policy_reader(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (personnel_services.can_edit_policies(request.user) or (scope.read_paths and not scope.is_admin)):
        raise PermissionDenied("您的账号不能查看预警政策")


@require_safe
@browser_login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    _require_policy_reader(request)
    in_force = policy_rows_in_force(timezone.localdate())
    versions: dict[str, list[Policy]] = {}
    for row in Policy.objects.select_related("changed_by").order_by("key", "-effective_from"):
        versions.setdefault(row.key, []).append(row)
    policies = [
        {
            "key": spec.key,
            "label": spec.label,
            "current": in_force[spec.key],
            "params": _readable(in_force[spec.key], spec.param_labels),
            "versions": versions.get(spec.key, []),
        }
        for spec in registered_policies()
    ]
    context = {"policies": policies, "can_edit": personnel_services.can_edit_policies(request.user)}
    return render(request, "alerts/policies.html", context)


def _readable(row: Policy | None, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    if row is None:
        return []
    return [
        (labels.get(name, name), "、".join(map(str, value)) if isinstance(value, list) else str(value))
        for name, value in row.params.items()
    ]


@require_http_methods(["GET", "POST"])
@browser_login_required
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    """A new version of a policy (or a change to the version starting on
    the same day). System administrators only."""
    try:
        spec = policy_spec(key)
    except KeyError:
        raise Http404("未找到该政策") from None
    policy_key = spec.key
    if not personnel_services.can_edit_policies(request.user):
        raise PermissionDenied("只有系统管理员可以修改预警政策")
    current = policy_rows_in_force(timezone.localdate())[policy_key]
    params = current.params if current is not None else policy_defaults(policy_key)
    if request.method == "POST":
        form = PolicyForm(request.POST, key=policy_key, current=params)
        if form.is_valid():
            try:
                personnel_services.policy_set(
                    actor=request.user,
                    key=policy_key,
                    effective_from=form.cleaned_data["effective_from"],
                    params=form.params(),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已保存“{spec.label}”的新版本，下次检查起按新版本执行。")
                return redirect("alerts:policy-list")
        status = 400
    else:
        form = PolicyForm(key=policy_key, current=params, initial={"effective_from": timezone.localdate()})
        status = 200
    context = {"form": form, "label": spec.label, "key": policy_key, "current": current}
    return render(request, "alerts/policy_edit.html", context, status=status)
