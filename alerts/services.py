"""Every write of the alerts app: starting and resuming check runs, and
the staff's work on alerts (policy versions are written by
``personnel.services.policy_set``, the one policy store's service).

Each service is atomic and checks the actor's rights itself, so the web
pages and the API cannot differ. Background work is enqueued after commit.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import scope_of
from accounts.models import Role, User
from alerts import queue
from alerts.models import ACTIVE_STATES, Alert, AlertEvent, AlertState, CheckRun, EventKind, RunStatus
from core.errors import ConflictError
from personnel.policy_store import snapshot

if TYPE_CHECKING:
    from accounts.access import Actor

DEFAULT_CHUNK_SIZE = 20_000


class RunAlreadyActive(ConflictError):
    """A check is already under way; the message says which."""

    def __init__(self, run: CheckRun) -> None:
        super().__init__(f"已有一次预警检查正在进行（#{run.pk}），请等待其完成")
        self.run = run


# --- who may do what ----------------------------------------------------------------


def can_run_checks(actor: Actor) -> bool:
    """Org staff start checks (DOMAIN.md 1: they run batch checks)."""
    return scope_of(actor).can_write_any


def can_acknowledge(actor: Actor, alert: Alert) -> bool:
    """Org staff over the cadre's unit, and the unit's own clerk (who is
    told to prepare what the department will need)."""
    scope = scope_of(actor)
    path = alert.cadre.unit.path
    return scope.can_write_path(path) or (scope.has_role(Role.UNIT_CLERK) and scope.can_read_path(path))


def can_handle(actor: Actor, alert: Alert) -> bool:
    """Assigning and resolving is the department's decision."""
    return scope_of(actor).can_write_path(alert.cadre.unit.path)


# --- runs -------------------------------------------------------------------------------


def active_run() -> CheckRun | None:
    return CheckRun.objects.filter(status__in=[RunStatus.PREPARING, RunStatus.RUNNING]).first()


def run_start(
    *,
    actor: Actor,
    trigger: str = "manual",
    check_date: datetime.date | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> CheckRun:
    """Start a check of every cadre (the policies in force at the check date
    are fixed on the run) and enqueue its preparation after commit. Refused
    while another run is under way: use ``run_resume`` for that one."""
    if not can_run_checks(actor):
        raise PermissionDenied("只有组织部干部科工作人员可以发起预警检查")
    if chunk_size < 1:
        raise ValidationError("分块大小应为正整数")
    on = check_date or timezone.localdate()
    user = actor if isinstance(actor, User) else None
    try:
        with transaction.atomic():
            run = CheckRun.objects.create(
                started_by=user,
                trigger=trigger,
                check_date=on,
                chunk_size=chunk_size,
                policies=snapshot(on),
            )
            transaction.on_commit(lambda: queue.enqueue_prepare(run.pk))
    except IntegrityError:
        current = active_run()
        if current is None:
            raise
        raise RunAlreadyActive(current) from None
    return run


def run_resume(*, run: CheckRun) -> list[int]:
    """Enqueue what is left of an unfinished run (after a worker died, or a
    message was lost): its preparation, or its chunks not done. Safe to call
    any number of times: a chunk already done is skipped by the worker."""
    run.refresh_from_db()
    if run.status == RunStatus.PREPARING:
        transaction.on_commit(lambda: queue.enqueue_prepare(run.pk))
        return []
    if run.status != RunStatus.RUNNING:
        return []
    pending = list(run.chunks.filter(done=False).values_list("pk", flat=True))
    transaction.on_commit(lambda: queue.enqueue_chunks(pending))
    return pending


def run_start_or_resume(*, actor: Actor, trigger: str) -> CheckRun:
    """The nightly job, and the button: resume the unfinished run if there
    is one, else start a new one."""
    current = active_run()
    if current is not None:
        run_resume(run=current)
        return current
    try:
        return run_start(actor=actor, trigger=trigger)
    except RunAlreadyActive as exc:
        run_resume(run=exc.run)
        return exc.run


# --- alerts -------------------------------------------------------------------------------


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("cadre__unit").get(pk=alert.pk)


def _event(alert: Alert, kind: EventKind, actor: Actor, note: str = "") -> None:
    AlertEvent.objects.create(alert=alert, kind=kind, actor=actor if isinstance(actor, User) else None, note=note)


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """知悉: someone responsible has seen the alert. Only an open alert can
    be acknowledged; acknowledging twice is harmless."""
    alert = _lock(alert)
    if not can_acknowledge(actor, alert):
        raise PermissionDenied("您没有处理该预警的权限")
    if alert.state == AlertState.ACKNOWLEDGED:
        return alert
    if alert.state != AlertState.OPEN:
        raise ValidationError(f"该预警{alert.get_state_display()}，无需再确认知悉")
    alert.state = AlertState.ACKNOWLEDGED
    alert.save(update_fields=["state", "updated_at"])
    _event(alert, EventKind.ACKNOWLEDGED, actor, note.strip())
    return alert


@transaction.atomic
def alert_assign(*, actor: Actor, alert: Alert, assignee: User, note: str = "") -> Alert:
    """交办: give the alert to a colleague who may handle it."""
    alert = _lock(alert)
    if not can_handle(actor, alert):
        raise PermissionDenied("只有该干部所在管理权限范围内的组织部工作人员可以交办预警")
    if not alert.is_active:
        raise ValidationError("该预警已处理或已消除，不能再交办")
    if not can_handle(assignee, alert):
        raise ValidationError({"assignee": "承办人须为该干部所在管理权限范围内的组织部工作人员"})
    alert.assigned_to = assignee
    alert.save(update_fields=["assigned_to", "updated_at"])
    _event(alert, EventKind.ASSIGNED, actor, f"交办给{assignee}" + (f"：{note.strip()}" if note.strip() else ""))
    return alert


@transaction.atomic
def alert_resolve(*, actor: Actor, alert: Alert, note: str) -> Alert:
    """办结 with a note saying what was done (交流、退休手续、回避调整 …).
    A resolved alert stays resolved while its cause remains."""
    alert = _lock(alert)
    if not can_handle(actor, alert):
        raise PermissionDenied("只有该干部所在管理权限范围内的组织部工作人员可以办结预警")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "办结预警须填写处理意见"})
    if not alert.is_active:
        raise ValidationError("该预警已处理或已消除")
    alert.state = AlertState.RESOLVED
    alert.note = note
    alert.save(update_fields=["state", "note", "updated_at"])
    _event(alert, EventKind.RESOLVED, actor, note)
    return alert


ALERT_ACTIVE_STATES = ACTIVE_STATES
