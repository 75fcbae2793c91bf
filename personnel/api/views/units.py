"""Units: the actor's units, one unit with its quotas (职数), and its
leadership team (领导班子) with quota against actual, vacancies and average
age. Read-only here: units are maintained in the admin."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from personnel.access import unit_for_actor
from personnel.api.pagination import PageNumberPagination
from personnel.api.selectors import unit_detail_for, units_for_list
from personnel.api.serializers import (
    LeadershipQuerySerializer,
    LeadershipSerializer,
    UnitDetailSerializer,
    UnitListSerializer,
    UnitQuerySerializer,
)
from personnel.models import Unit
from personnel.unit_selectors import unit_page_for


class UnitViewSet(viewsets.GenericViewSet[Unit]):
    queryset = Unit.objects.none()  # for the schema; reads go through the selectors
    pagination_class = PageNumberPagination
    lookup_value_regex = "[0-9]+"

    @extend_schema(summary="单位列表", parameters=[UnitQuerySerializer], responses=UnitListSerializer(many=True))
    def list(self, request: Request) -> Response:
        query = UnitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        units = units_for_list(
            actor=request.user, parent=query.validated_data.get("parent"), q=query.validated_data.get("q", "")
        )
        page = self.paginate_queryset(units)
        return self.get_paginated_response(UnitListSerializer(page, many=True).data)

    @extend_schema(summary="单位详情（含领导职数）", responses=UnitDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(UnitDetailSerializer(unit_detail_for(actor=request.user, unit_id=pk)).data)

    @extend_schema(
        summary="领导班子",
        description="与浏览器单位页同一口径：该单位在职、任领导职务层次的干部；各职务层次的职数、实有、"
        "空缺与超配；平均年龄、女干部、党外干部、少数民族干部人数；直属下级单位及其在职干部数。",
        parameters=[LeadershipQuerySerializer],
        responses=LeadershipSerializer,
    )
    @action(detail=True, methods=["get"])
    def leadership(self, request: Request, pk: str) -> Response:
        query = LeadershipQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = unit_for_actor(request.user, pk)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        page = unit_page_for(actor=request.user, unit=unit, as_of=as_of)
        return Response(LeadershipSerializer(page).data)
