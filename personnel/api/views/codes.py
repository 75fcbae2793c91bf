"""Code tables (read-only): every authenticated account may read them,
the separated admin roles included; they hold no cadre data."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from personnel.api.pagination import CodePagination
from personnel.api.selectors import codes_for_list
from personnel.api.serializers import CodeQuerySerializer, CodeSerializer, CodeTableSerializer
from personnel.models import Code, CodeTable


class CodeViewSet(viewsets.GenericViewSet[Code]):
    queryset = Code.objects.none()  # for the schema
    pagination_class = CodePagination
    lookup_value_regex = "[0-9]+"

    @extend_schema(summary="代码列表", parameters=[CodeQuerySerializer], responses=CodeSerializer(many=True))
    def list(self, request: Request) -> Response:
        query = CodeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        codes = codes_for_list(table=query.validated_data.get("table"), q=query.validated_data.get("q"))
        page = self.paginate_queryset(codes)
        return self.get_paginated_response(CodeSerializer(page, many=True).data)

    @extend_schema(summary="代码详情", responses=CodeSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        code = codes_for_list(table=None, q=None).filter(pk=pk).first()
        if code is None:
            raise NotFound("未找到该代码")
        return Response(CodeSerializer(code).data)

    @extend_schema(summary="代码表清单", responses=CodeTableSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def tables(self, request: Request) -> Response:
        rows = [{"table": value, "name": label} for value, label in CodeTable.choices]
        return Response(CodeTableSerializer(rows, many=True).data)
