"""Cadres: list (the shared filter), detail, create, update and partial update.

Reads go through the access layer (out of scope is 404, like missing);
writes through the services. A cadre's ETag is its version; PUT and PATCH
need If-Match (428 without, 412 when stale).
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from personnel import services
from personnel.access import cadre_for_actor, ensure_can_create_cadres, ensure_can_write_cadre
from personnel.api.concurrency import STALE, etag_for, expected_version
from personnel.api.pagination import rows_pagination
from personnel.api.serializers import (
    LIST_COLUMNS,
    CadreDetailSerializer,
    CadreInputSerializer,
    CadreListItemSerializer,
    cadre_list_rows,
)
from personnel.filters import CadreFilter
from personnel.models import Cadre
from personnel.record_selectors import cadre_sheet_for
from personnel.selectors import cadre_list_visible_to

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='该干部当前的 ETag（GET 时响应头中的值，如 "3"）；缺少时返回 428，已过期时返回 412',
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='该干部的版本号（如 "3"），修改时放在 If-Match 请求头中',
)
ERROR_RESPONSES = {
    400: OpenApiResponse(description="输入有误：{detail, errors: {字段: [信息]}}"),
    403: OpenApiResponse(description="无权修改"),
    404: OpenApiResponse(description="不存在或不在您的权限范围内"),
}
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(description=f"{STALE}；响应中附带当前内容（current）"),
    428: OpenApiResponse(description="缺少 If-Match 请求头"),
}


def _filter_parameter(name: str, flt: Any) -> OpenApiParameter:
    kind: Any = OpenApiTypes.STR
    enum = None
    if isinstance(flt, django_filters.OrderingFilter):
        enum = [key for pair in flt.param_map for key in (pair, f"-{pair}")]
    elif isinstance(flt, django_filters.ChoiceFilter):
        enum = [value for value, _label in flt.extra.get("choices", [])]
    elif isinstance(flt, django_filters.NumberFilter):
        kind = OpenApiTypes.INT
    elif isinstance(flt, django_filters.DateFilter):
        kind = OpenApiTypes.DATE
    elif isinstance(flt, django_filters.BooleanFilter):
        kind = OpenApiTypes.BOOL
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=str(flt.label or name), enum=enum)


LIST_PARAMETERS = [_filter_parameter(name, flt) for name, flt in CadreFilter.base_filters.items()]


def filter_errors(errors: Any) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in errors.items()}


def detail_response(request: Request, cadre_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    cadre = cadre_sheet_for(actor=request.user, cadre_id=cadre_id)
    data = CadreDetailSerializer(cadre, context={"request": request}).data
    return Response(data, status=status_code, headers={"ETag": etag_for(cadre.version)})


class CadreViewSet(viewsets.GenericViewSet[Cadre]):
    # For the schema only: every read goes through the scoped selectors.
    queryset = Cadre.objects.none()
    pagination_class = rows_pagination(LIST_COLUMNS)
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="干部列表",
        description="与浏览器列表同一套筛选条件；page_size 最大 200。",
        parameters=LIST_PARAMETERS,
        responses={200: CadreListItemSerializer(many=True), 400: ERROR_RESPONSES[400]},
    )
    def list(self, request: Request) -> Response:
        cadre_filter, queryset = cadre_list_visible_to(actor=request.user, params=request.query_params)
        if cadre_filter.errors:
            raise ValidationError(filter_errors(cadre_filter.errors))
        as_of = cadre_filter.form.cleaned_data.get("as_of") or timezone.localdate()
        # The paginator reads the page as LIST_COLUMNS rows, not model instances.
        rows = cast("list[tuple[Any, ...]]", self.paginate_queryset(queryset) or [])
        return self.get_paginated_response(cadre_list_rows(rows, as_of=as_of))

    @extend_schema(
        summary="干部详情",
        description="含学历、简历、任职、家庭成员、奖惩、考核各部分；响应头 ETag 为版本号。"
        "带 If-None-Match 且未变化时返回 304。",
        parameters=[ETAG],
        responses={
            200: CadreDetailSerializer,
            304: OpenApiResponse(description="未修改"),
            404: ERROR_RESPONSES[404],
        },
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        cadre = cadre_sheet_for(actor=request.user, cadre_id=pk)
        etag = etag_for(cadre.version)
        if etag in [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        data = CadreDetailSerializer(cadre, context={"request": request}).data
        return Response(data, headers={"ETag": etag})

    @extend_schema(
        summary="新增干部",
        description="仅组织部干部科工作人员，且所在单位须在其管理权限内。",
        parameters=[ETAG],
        request=CadreInputSerializer,
        responses={201: CadreDetailSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request) -> Response:
        ensure_can_create_cadres(request.user)
        serializer = CadreInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        cadre = services.cadre_create(actor=request.user, data=dict(serializer.validated_data))
        response = detail_response(request, cadre.pk, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:cadre-detail", kwargs={"pk": cadre.pk})
        return response

    @extend_schema(
        summary="修改干部（整体）",
        description="单位人事专员不能直接修改，须提交信息变更申请。",
        parameters=[IF_MATCH, ETAG],
        request=CadreInputSerializer,
        responses={200: CadreDetailSerializer, **ERROR_RESPONSES, **PRECONDITION_RESPONSES},
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=False)

    @extend_schema(
        summary="修改干部（部分字段）",
        description="单位人事专员不能直接修改，须提交信息变更申请。",
        parameters=[IF_MATCH, ETAG],
        request=CadreInputSerializer,
        responses={200: CadreDetailSerializer, **ERROR_RESPONSES, **PRECONDITION_RESPONSES},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=True)

    def _change(self, request: Request, pk: str, *, partial: bool) -> Response:
        cadre = cadre_for_actor(request.user, pk)
        ensure_can_write_cadre(request.user, cadre.unit.path)
        expected = expected_version(request, cadre)
        serializer = CadreInputSerializer(data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.cadre_update(
            actor=request.user, cadre=cadre, data=dict(serializer.validated_data), expected_version=expected
        )
        return detail_response(request, cadre.pk)
