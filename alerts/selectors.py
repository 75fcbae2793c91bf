"""Every read of alerts, scoped to the actor through accounts.access: an
alert is visible exactly when its cadre is (the cadre's unit path lies in
the actor's read scope); out of scope is "not found", like missing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.access import scope_of
from accounts.models import Role, RoleAssignment, User
from alerts.models import ACTIVE_STATES, Alert, AlertState, CheckRun, RunStatus
from core.checks import registered_checks
from personnel.access import scope_queryset, unit_for_actor

if TYPE_CHECKING:
    from accounts.access import Actor
    from personnel.models import Cadre


def alerts_visible_to(actor: Actor) -> QuerySet[Alert]:
    return scope_queryset(Alert.objects.all(), actor, path_field="cadre__unit__path")


def alert_for_actor(actor: Actor, alert_id: Any) -> Alert:
    try:
        alert: Alert = alerts_visible_to(actor).select_related("cadre__unit", "assigned_to").get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该预警") from None
    return alert


@dataclass(frozen=True)
class AlertFilters:
    rule: str = ""
    unit_id: int | None = None
    state: str = "active"  # "active" (open + acknowledged), a state, or "" for all
    due_before: datetime.date | None = None
    due_after: datetime.date | None = None
    cadre_id: int | None = None
    assigned_to_me: bool = False


STATE_FILTERS = {"active": "待处理和已知悉", **{state.value: state.label for state in AlertState}, "": "全部"}


def alert_list_visible_to(*, actor: Actor, filters: AlertFilters) -> QuerySet[Alert]:
    """The alerts the actor may see, narrowed by the filters; the unit filter
    takes the unit's whole subtree and must itself be visible."""
    qs = alerts_visible_to(actor)
    if filters.rule:
        qs = qs.filter(rule=filters.rule)
    if filters.state == "active":
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.unit_id is not None:
        unit = unit_for_actor(actor, filters.unit_id)
        qs = qs.filter(cadre__unit__path__startswith=unit.path)
    if filters.due_before is not None:
        qs = qs.filter(due_date__lte=filters.due_before)
    if filters.due_after is not None:
        qs = qs.filter(due_date__gte=filters.due_after)
    if filters.cadre_id is not None:
        qs = qs.filter(cadre_id=filters.cadre_id)
    if filters.assigned_to_me and isinstance(actor, User):
        qs = qs.filter(assigned_to=actor)
    return qs


def counts_by_rule(qs: QuerySet[Alert]) -> list[tuple[str, str, int]]:
    counts = dict(qs.order_by().values_list("rule").annotate(n=Count("id")).values_list("rule", "n"))
    return [(str(check.rule), check.label, counts.get(check.rule, 0)) for check in registered_checks()]


def counts_by_unit(qs: QuerySet[Alert], limit: int = 15) -> list[dict[str, Any]]:
    """The units with the most alerts (the cadre's own unit)."""
    rows = (
        qs.order_by()
        .values("cadre__unit_id", "cadre__unit__name")
        .annotate(n=Count("id"), violations=Count("id", filter=Q(severity="violation")))
        .order_by("-n", "cadre__unit__name")[:limit]
    )
    return [
        {"unit_id": r["cadre__unit_id"], "name": r["cadre__unit__name"], "n": r["n"], "violations": r["violations"]}
        for r in rows
    ]


def open_alerts_of(*, actor: Actor, cadre: Cadre) -> list[Alert]:
    """The cadre page's alerts (the cadre has already been read in scope)."""
    return list(alerts_visible_to(actor).filter(cadre=cadre, state__in=ACTIVE_STATES).order_by("due_date", "id"))


def assignees_for(alert: Alert) -> QuerySet[User]:
    """Org staff whose jurisdiction covers the alert's cadre."""
    path = alert.cadre.unit.path
    roots = RoleAssignment.objects.filter(role=Role.ORG_STAFF, jurisdiction__isnull=False).values_list(
        "user_id", "jurisdiction__root_units__path"
    )
    ids = {user_id for user_id, root in roots if root and path.startswith(root)}
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def runs_visible_to(actor: Actor) -> QuerySet[CheckRun]:
    """Runs carry no cadre data (counts and times only): business roles see
    them; the separated admin roles do not work with alerts."""
    scope = scope_of(actor)
    if scope.is_admin or not scope.read_paths:
        return CheckRun.objects.none()
    return CheckRun.objects.all()


def run_for_actor(actor: Actor, run_id: Any) -> CheckRun:
    try:
        run: CheckRun = runs_visible_to(actor).get(pk=run_id)
    except (CheckRun.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该检查") from None
    return run


def run_progress(run: CheckRun) -> dict[str, Any]:
    done = run.chunks.filter(done=True).count() if run.status != RunStatus.PREPARING else 0
    total = run.chunk_total
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "done": done,
        "total": total,
        "percent": 100 if run.status == RunStatus.DONE else (int(done * 100 / total) if total else 0),
        "counts": run.counts,
        "finished": run.status in (RunStatus.DONE, RunStatus.FAILED),
    }
