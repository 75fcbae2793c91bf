"""The national form through the REST API: one cadre's .lrmx and .docx, and
a selection's .zip of .lrmx files or one .docx. Same scoping as the browser
(out of scope is 404); a selection is ``ids`` or the list's filter
parameters (as GET /api/v1/cadres/)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from interchange.docx_form import form_docx
from interchange.exports import DOCX_TYPE, LRMX_TYPE, ZIP_TYPE, file_stem, lrmx_zip
from interchange.form import form_sheet
from interchange.from_cadre import record_from_cadre, records_from_cadres
from interchange.lrmx import write_lrmx
from interchange.selection import SelectionError, export_limit, selected_cadres
from interchange.views import download
from personnel.access import cadre_for_actor

logger = logging.getLogger(__name__)

IDS = OpenApiParameter(
    "ids",
    str,
    OpenApiParameter.QUERY,
    description="干部编号，逗号分隔（如 1,2,3）；不给时按与 GET /api/v1/cadres/ 相同的筛选参数选择",
)
NOT_FOUND = OpenApiResponse(description="不存在或不在您的权限范围内")
BAD_SELECTION = OpenApiResponse(description="筛选条件有误、没有符合条件的干部或超过一次导出的上限")


def _log(request: Request, what: str, count: int) -> None:
    logger.info("api %s by user %s: %d cadres, parameters %s", what, request.user.pk, count, request.GET.urlencode())


def _selection(request: Request) -> Any:
    try:
        return selected_cadres(actor=request.user, params=request.query_params)
    except SelectionError as exc:
        raise ValidationError(str(exc)) from None


class CadreLrmxView(APIView):
    @extend_schema(
        summary="导出干部任免审批表（LRMX）",
        description="该干部的 .lrmx 文件（干部任免审批表软件可读）。",
        responses={(200, LRMX_TYPE): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request, cadre_id: int) -> HttpResponse:
        cadre = cadre_for_actor(request.user, cadre_id)
        record = record_from_cadre(cadre)
        _log(request, "lrmx export", 1)
        return download(write_lrmx(record), LRMX_TYPE, f"{file_stem(record)}.lrmx", f"cadre_{cadre.pk}.lrmx")


class CadreFormDocxView(APIView):
    @extend_schema(
        summary="干部任免审批表（Word）",
        description="该干部的干部任免审批表 .docx 文件（A4，两页）。",
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request, cadre_id: int) -> HttpResponse:
        cadre = cadre_for_actor(request.user, cadre_id)
        record = record_from_cadre(cadre)
        _log(request, "form docx", 1)
        body = form_docx([(form_sheet(record), record.photo)])
        return download(body, DOCX_TYPE, f"{file_stem(record)}_干部任免审批表.docx", f"cadre_{cadre.pk}.docx")


class BatchLrmxView(APIView):
    @extend_schema(
        summary="批量导出干部任免审批表（LRMX压缩包）",
        description=f"所选干部的 .lrmx 文件打包为 .zip（文件名“姓名_身份证后4位.lrmx”）；一次最多 {export_limit()} 人"
        "（设置 INTERCHANGE_EXPORT_CADRES）。",
        parameters=[IDS],
        responses={(200, ZIP_TYPE): OpenApiTypes.BINARY, 400: BAD_SELECTION, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> HttpResponse:
        body, count = lrmx_zip(_selection(request))
        _log(request, "lrmx export", count)
        today = timezone.localdate()
        return download(body, ZIP_TYPE, f"干部任免审批表_{today:%Y%m%d}.zip", f"lrmx_{today:%Y%m%d}.zip")


class BatchFormDocxView(APIView):
    @extend_schema(
        summary="批量生成干部任免审批表（Word）",
        description="所选干部的干部任免审批表合为一个 .docx 文件，每人从新的一页开始。",
        parameters=[IDS],
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, 400: BAD_SELECTION, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> HttpResponse:
        pairs = list(records_from_cadres(_selection(request)))
        _log(request, "form docx", len(pairs))
        body = form_docx([(form_sheet(record), record.photo) for _cadre, record in pairs])
        today = timezone.localdate()
        return download(
            body, DOCX_TYPE, f"干部任免审批表_{today:%Y%m%d}.docx", f"appointment_forms_{today:%Y%m%d}.docx"
        )
