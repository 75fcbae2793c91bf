"""Import and export jobs. An import is a record from upload to commit: the
file (by hash), who uploaded it for which unit, where it stands, its counts,
and one staged row per data row of the file with that row's errors and its
field-by-field differences from the stored record. Nothing reaches the
registry before the user confirms; then everything does, in one
transaction, or nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import RowJob
from personnel.models import Cadre, Unit


class ImportKind(models.TextChoices):
    ROSTER = "roster", "花名册（Excel）"
    LRMX = "lrmx", "任免审批表（LRMX/LRM）"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "等待校验"
    VALIDATING = "validating", "正在校验"
    VALIDATED = "validated", "待确认"
    REJECTED = "rejected", "文件未通过"
    COMMITTING = "committing", "正在导入"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "导入失败"
    CANCELLED = "cancelled", "已取消"


# States a job no longer leaves.
FINAL_STATUSES = (ImportStatus.REJECTED, ImportStatus.COMMITTED, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJob(RowJob):
    FINAL_STATUSES = FINAL_STATUSES
    COMPLETE_STATUSES = (ImportStatus.VALIDATED, ImportStatus.COMMITTED)

    kind = models.CharField("类型", max_length=10, choices=ImportKind.choices, default=ImportKind.ROSTER)
    status = models.CharField("状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="import_jobs"
    )
    unit = models.ForeignKey(Unit, verbose_name="导入单位", on_delete=models.PROTECT, related_name="import_jobs")
    filename = models.CharField("文件名", max_length=255)
    file_size = models.PositiveBigIntegerField("文件大小")
    file_sha256 = models.CharField("文件SHA-256", max_length=64, db_index=True)
    sheet_name = models.CharField("工作表", max_length=100, blank=True)
    header_row = models.PositiveIntegerField("表头行", null=True, blank=True)
    template_version = models.CharField("模板版本", max_length=20, blank=True)
    columns = models.JSONField("识别的列", default=list, blank=True)
    ignored_columns = models.JSONField("未识别的列", default=list, blank=True)
    count_new = models.PositiveIntegerField("新增", default=0)
    count_changed = models.PositiveIntegerField("变更", default=0)
    count_unchanged = models.PositiveIntegerField("无变化", default=0)
    count_invalid = models.PositiveIntegerField("有错误", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    # An import's end has its own timestamps (validated_at, committed_at).
    finished_at = None  # type: ignore[assignment]
    validated_at = models.DateTimeField("校验完成时间", null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="import_job_unit_idx")]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def can_commit(self) -> bool:
        """Only a validated job without a single invalid row, with something to change."""
        return (
            self.status == ImportStatus.VALIDATED
            and self.count_invalid == 0
            and (self.count_new + self.count_changed) > 0
        )


class ImportFile(models.Model):
    """The uploaded bytes, apart from the job so that listing jobs never reads them."""

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, related_name="file", primary_key=True)
    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "导入文件"
        verbose_name_plural = "导入文件"

    def __str__(self) -> str:
        return f"导入任务{self.job_id}的文件"


class RowStatus(models.TextChoices):
    NEW = "new", "新增"
    CHANGED = "changed", "变更"
    UNCHANGED = "unchanged", "无变化"
    INVALID = "invalid", "有错误"


class ImportRow(models.Model):
    """One data row of an uploaded file as validation left it: ``data`` holds
    what the commit writes (only the changed fields of a stored person),
    ``changes`` the differences shown in the preview, ``errors`` every
    problem with its column."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    source = models.CharField("来源", max_length=255, blank=True)
    status = models.CharField("结果", max_length=10, choices=RowStatus.choices)
    name = models.CharField("姓名", max_length=100, blank=True)
    id_number = models.CharField("公民身份号码", max_length=40, blank=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The stored record's version when it was compared; the commit refuses
    # to write over a record someone changed after the preview.
    cadre_version = models.PositiveIntegerField("比对时版本", null=True, blank=True)
    match_note = models.CharField("匹配方式", max_length=100, blank=True)
    data = models.JSONField("导入内容", default=dict, blank=True)
    changes = models.JSONField("变更明细", default=list, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)

    class Meta:
        verbose_name = "导入行"
        verbose_name_plural = "导入行"
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="import_row_unique"),
            models.CheckConstraint(
                condition=~Q(status="changed") | Q(cadre_version__isnull=False),
                name="import_row_changed_has_cadre",
            ),
        ]
        indexes = [models.Index(fields=["job", "status", "row_number"], name="import_row_status_idx")]

    def __str__(self) -> str:
        return f"{self.source or self.row_number} {self.name}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "正在生成"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(RowJob):
    """A large export written by a worker; the file is kept for download by
    the one who asked for it."""

    FINAL_STATUSES = (ExportStatus.DONE, ExportStatus.FAILED)
    COMPLETE_STATUSES = (ExportStatus.DONE,)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="export_jobs"
    )
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    columns = models.JSONField("导出列", default=list)
    filename = models.CharField("文件名", max_length=255)
    data = models.BinaryField("文件内容", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
