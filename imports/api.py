"""Roster imports and exports over the REST API, through the same services
as the browser: upload (multipart), poll the job, read the preview rows,
confirm or cancel, download the marked workbook; ask for a roster export,
poll it, download it."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.xlsx import XLSX_CONTENT_TYPE
from imports import services
from imports.exports import fields_from, roster_filename, template_bytes
from imports.lrmx_import import UploadRefused
from imports.marked import marked_workbook
from imports.models import ExportJob, ExportStatus, ImportJob, ImportKind, ImportRow, RowStatus
from imports.roster import TEMPLATE_FIELDS
from imports.selectors import export_for_actor, job_for_actor, jobs_visible_to
from imports.views import xlsx_response
from personnel.access import unit_for_actor
from personnel.api.pagination import PageNumberPagination
from personnel.selectors import cadre_list_visible_to


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    committed_by = serializers.CharField(source="committed_by.username", read_only=True, default=None)
    progress_percent = serializers.IntegerField(read_only=True)
    can_commit = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "status", "status_display", "unit", "unit_name", "filename", "file_size", "file_sha256",
            "sheet_name", "header_row", "template_version", "columns", "ignored_columns", "rows_total", "rows_done",
            "progress_percent", "count_new", "count_changed", "count_unchanged", "count_invalid", "error_count",
            "message", "can_commit", "uploaded_by", "created_at", "validated_at", "committed_by", "committed_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportRowSerializer(serializers.ModelSerializer[ImportRow]):
    changes = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(help_text="干部任免审批表文件的提示（不影响导入）")

    class Meta:
        model = ImportRow
        fields = ["row_number", "source", "status", "name", "id_number", "cadre", "match_note", "changes", "errors",
                  "warnings"]  # fmt: skip
        read_only_fields = fields

    def get_changes(self, row: ImportRow) -> list[dict[str, str]]:
        return [{"field": c[0], "label": c[1], "old": c[2], "new": c[3]} for c in row.changes]

    def get_warnings(self, row: ImportRow) -> list[dict[str, str]]:
        warnings: list[dict[str, str]] = row.data.get("warnings", []) if row.job.kind == ImportKind.LRMX else []
        return warnings


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="花名册 .xlsx 文件；或干部任免审批表：.lrmx 文件、.lrm 文件、含这些文件的 .zip 压缩包",
        error_messages={"required": "请上传花名册文件或干部任免审批表文件"},
    )
    pic = serializers.FileField(required=False, help_text=".lrm 文件的照片（同名 .pic 文件），可不传")
    unit = serializers.IntegerField(help_text="导入到的单位 id", error_messages={"required": "请指定导入单位"})


class ExportRequestSerializer(serializers.Serializer[Any]):
    query = serializers.CharField(
        required=False, allow_blank=True, help_text="干部名单的筛选参数（与 /api/v1/cadres/ 相同）"
    )
    columns = serializers.ListField(
        child=serializers.ChoiceField(choices=[f.key for f in TEMPLATE_FIELDS]), required=False,
        help_text="导出的花名册列；不填为全部列",
    )  # fmt: skip


class ExportJobSerializer(serializers.ModelSerializer[ExportJob]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ExportJob
        fields = [
            "id", "status", "status_display", "query", "columns", "filename", "rows_total", "rows_done",
            "progress_percent", "message", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobViewSet(viewsets.GenericViewSet[ImportJob]):
    queryset = ImportJob.objects.none()  # reads go through the selectors
    serializer_class = ImportJobSerializer
    pagination_class = PageNumberPagination
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_value_regex = "[0-9]+"

    @extend_schema(summary="导入任务列表", responses=ImportJobSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(jobs_visible_to(request.user)) or []
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    @extend_schema(summary="导入任务详情（状态、进度、计数）", responses=ImportJobSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ImportJobSerializer(job_for_actor(request.user, pk)).data)

    @extend_schema(
        summary="上传花名册或干部任免审批表",
        description=(
            "上传 .xlsx 花名册，或干部任免审批表（.lrmx；.lrm 及其照片 pic；含这些文件的 .zip），类型按文件判断"
            "（任务的 kind 为 roster 或 lrmx）。上传后返回导入任务（202）；校验在后台进行，"
            "轮询任务直到状态为 validated（待确认）或 rejected。"
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        unit = unit_for_actor(request.user, form.validated_data["unit"])
        upload = form.validated_data["file"]
        pic = form.validated_data.get("pic")
        try:
            job = services.import_upload_file(
                actor=request.user,  # type: ignore[arg-type]
                unit=unit,
                upload=upload,
                filename=upload.name,
                pic=pic,
            )
        except UploadRefused as exc:
            raise ValidationError({"pic": [exc.message]}) from None
        except services.ImportRefused as exc:
            raise ValidationError({"file": [exc.message]}) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="预览：导入任务的数据行",
        parameters=[OpenApiParameter("status", str, enum=RowStatus.values, description="只看某类行")],
        responses=ImportRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def rows(self, request: Request, pk: str) -> Response:
        job = job_for_actor(request.user, pk)
        rows = ImportRow.objects.filter(job=job).select_related("job").order_by("row_number")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in RowStatus.values:
                raise ValidationError({"status": [f"“{wanted}”不是有效的结果类别，应为 {'、'.join(RowStatus.values)}"]})
            rows = rows.filter(status=wanted)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(summary="确认导入", request=None, responses={202: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str) -> Response:
        job = job_for_actor(request.user, pk)
        # An ImportRefused is a 409 with its message (core.errors.ConflictError).
        job = services.import_commit(actor=request.user, job=job)  # type: ignore[arg-type]
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="取消导入", request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        job = job_for_actor(request.user, pk)
        # An ImportRefused is a 409 with its message (core.errors.ConflictError).
        job = services.import_cancel(actor=request.user, job=job)  # type: ignore[arg-type]
        return Response(ImportJobSerializer(job).data)

    @extend_schema(summary="下载标注错误的工作簿", responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def marked(self, request: Request, pk: str) -> HttpResponseBase:
        job = job_for_actor(request.user, pk)
        if not job.count_invalid or not job.sheet_name:
            return Response({"detail": "该文件没有需要标注的错误"}, status=status.HTTP_404_NOT_FOUND)
        return xlsx_response(marked_workbook(job), f"{job.filename.rsplit('.', 1)[0]}_错误标注.xlsx", "marked.xlsx")

    @extend_schema(summary="下载花名册导入模板", responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponseBase:
        return xlsx_response(template_bytes(), "干部花名册导入模板.xlsx", "roster-template.xlsx")


class ExportJobViewSet(viewsets.GenericViewSet[ExportJob]):
    queryset = ExportJob.objects.none()
    serializer_class = ExportJobSerializer
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="按花名册模板格式导出名单（后台任务）",
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        form = ExportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        query = form.validated_data.get("query", "")
        cadre_filter, _ = cadre_list_visible_to(actor=request.user, params=QueryDict(query))
        if cadre_filter.errors:
            raise ValidationError({"query": [f"{k}：{'；'.join(v)}" for k, v in cadre_filter.errors.items()]})
        fields = fields_from(form.validated_data.get("columns"))
        job = services.export_request(
            actor=request.user,  # type: ignore[arg-type]
            query=query,
            columns=[f.key for f in fields],
            filename=roster_filename(),
        )
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="导出任务详情", responses=ExportJobSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ExportJobSerializer(export_for_actor(request.user, pk)).data)

    @extend_schema(summary="下载导出的花名册", responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> HttpResponseBase:
        job = export_for_actor(request.user, pk)
        if job.status != ExportStatus.DONE:
            return Response({"detail": f"文件尚未生成（{job.get_status_display()}）"}, status=status.HTTP_409_CONFLICT)
        data = ExportJob.objects.filter(pk=job.pk).values_list("data", flat=True).get()
        return xlsx_response(bytes(data or b""), job.filename, "roster.xlsx")
