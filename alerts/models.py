"""Alerts (预警): the check runs and their chunks, and the alerts they raise
with the staff's work on them. The rules themselves, the records they read
and the policy versions of their numbers belong to the apps that register
them (``core.checks``; versions in ``personnel.models.Policy``).

Alerts are derived rows rewritten by every run; what people do with them
(acknowledge, assign, resolve) and what the checks do (open, close,
reopen) is kept in ``AlertEvent``, an append-only log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.checks import SEVERITY_LABELS, rule_choices
from core.models import Job
from personnel.models import Cadre

SEVERITY_CHOICES = [(severity.value, label) for severity, label in SEVERITY_LABELS.items()]


class RunStatus(models.TextChoices):
    PREPARING = "preparing", "准备中"
    RUNNING = "running", "检查中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class CheckRun(Job):
    """One check of every cadre. Split into chunks of cadre ids that any
    worker may take; complete when every chunk is done. ``message`` holds
    the last chunk failure while the run waits for its retry."""

    FINAL_STATUSES = (RunStatus.DONE, RunStatus.FAILED)
    COMPLETE_STATUSES = (RunStatus.DONE,)

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trigger = models.CharField("方式", max_length=12, choices=[("manual", "手动"), ("nightly", "每晚自动")])
    check_date = models.DateField("检查基准日")
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.PREPARING)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    chunk_total = models.PositiveIntegerField("分块数", default=0)
    chunk_size = models.PositiveIntegerField("每块干部编号数", default=20000)
    prepare_seconds = models.FloatField("准备用时（秒）", default=0)
    # The policy versions in force at the check date, fixed when the run
    # starts so that every chunk applies the same numbers.
    policies = models.JSONField("适用政策", default=dict, blank=True)
    counts = models.JSONField("各规则预警数", default=dict, blank=True)
    seconds = models.JSONField("各规则用时（秒）", default=dict, blank=True)
    opened = models.PositiveIntegerField("新增预警", default=0)
    closed = models.PositiveIntegerField("自动关闭", default=0)

    class Meta:
        verbose_name = "预警检查"
        verbose_name_plural = "预警检查"
        ordering = ["-created_at"]
        constraints = [
            # One run at a time: two runs would race to close each other's alerts.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status__in=["preparing", "running"]),
                name="alert_one_active_run",
            )
        ]

    def __str__(self) -> str:
        return f"预警检查 #{self.pk}（{self.check_date:%Y-%m-%d}）"


class CheckChunk(models.Model):
    """Cadre ids ``first_id``..``last_id`` of a run. Done when its alerts
    are written, in the same transaction: a chunk is all or nothing."""

    run = models.ForeignKey(CheckRun, verbose_name="检查", on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField("起始编号")
    last_id = models.BigIntegerField("截止编号")
    done = models.BooleanField("已完成", default=False)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    counts = models.JSONField("各规则预警数", default=dict, blank=True)
    seconds = models.JSONField("各规则用时（秒）", default=dict, blank=True)
    opened = models.PositiveIntegerField("新增预警", default=0)
    closed = models.PositiveIntegerField("自动关闭", default=0)

    class Meta:
        verbose_name = "检查分块"
        verbose_name_plural = "检查分块"
        ordering = ["run", "first_id"]
        constraints = [models.UniqueConstraint(fields=["run", "first_id"], name="alert_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.first_id}-{self.last_id}"


class AlertState(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    RESOLVED = "resolved", "已处理"
    CLOSED = "closed", "已消除"


ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


class Alert(models.Model):
    """A rule's finding about a cadre, unique on (cadre, rule, cause): a
    rerun updates it in place. ``anchor_id`` is the cadre id whose chunk
    raises it (the cadre itself, or for a relative pair the lower id), so
    that the chunk can close the alerts it no longer finds."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField("规则", max_length=20, choices=rule_choices)
    cause_key = models.CharField("原因标识", max_length=80)
    anchor_id = models.BigIntegerField("检查编号")
    severity = models.CharField("级别", max_length=10, choices=SEVERITY_CHOICES)
    message = models.TextField("说明")
    facts = models.JSONField("依据数据", default=dict)
    due_date = models.DateField("到期日", null=True, blank=True)
    state = models.CharField("状态", max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("处理意见", blank=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    closed_at = models.DateTimeField("消除时间", null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "rule", "cause_key"], name="alert_unique_cause")]
        indexes = [
            models.Index(fields=["rule", "anchor_id"], name="alert_rule_anchor_idx"),
            models.Index(fields=["state", "rule"], name="alert_state_rule_idx"),
            models.Index(fields=["due_date"], name="alert_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.cadre_id}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class EventKind(models.TextChoices):
    OPENED = "opened", "发现"
    REOPENED = "reopened", "再次发现"
    CLOSED = "closed", "自动消除"
    ACKNOWLEDGED = "acknowledged", "知悉"
    ASSIGNED = "assigned", "交办"
    RESOLVED = "resolved", "办结"


class AlertEvent(models.Model):
    """What happened to an alert, by whom (a person, or a check run)."""

    alert = models.ForeignKey(Alert, verbose_name="预警", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=14, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    run = models.ForeignKey(
        CheckRun, verbose_name="检查", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "预警处理记录"
        verbose_name_plural = "预警处理记录"
        ordering = ["alert", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
