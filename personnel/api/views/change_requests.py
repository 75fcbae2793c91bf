"""信息变更审核 over the API: a unit clerk proposes, org staff approve or
reject with a reason, the requester may withdraw while it is pending. The
services do the work (approval applies the change atomically)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import scope_of
from accounts.models import Role
from personnel import services
from personnel.api.exceptions import django_validation_detail
from personnel.api.pagination import PageNumberPagination
from personnel.api.serializers import (
    ChangeRequestInputSerializer,
    ChangeRequestSerializer,
    RejectInputSerializer,
    code_values_for,
)
from personnel.api.views.cadres import ERROR_RESPONSES
from personnel.models import ChangeRequest, ChangeRequestStatus
from personnel.record_selectors import can_review, change_request_for, change_requests_visible_to

ORG_STAFF_EDIT_DIRECTLY = "组织部干部科工作人员可直接修改干部信息（PUT/PATCH /api/v1/cadres/{id}/），无需提交变更申请"
ONLY_CLERKS = "只有单位人事专员可以提交信息变更申请"


def _serialize(requests: Any, *, many: bool = False) -> ChangeRequestSerializer:
    rows = requests if many else [requests]
    return ChangeRequestSerializer(requests, many=many, context={"code_values": code_values_for(rows)})


class ChangeRequestViewSet(viewsets.GenericViewSet[ChangeRequest]):
    queryset = ChangeRequest.objects.none()  # for the schema; reads go through the selectors
    pagination_class = PageNumberPagination
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="信息变更申请列表",
        description="单位人事专员看到自己提交的申请；组织部工作人员看到其管理权限内、由其审核的申请。",
        parameters=[
            OpenApiParameter("status", str, enum=ChangeRequestStatus.values, description="状态"),
            OpenApiParameter("cadre", int, description="干部 id"),
        ],
        responses=ChangeRequestSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        requests = change_requests_visible_to(actor=request.user)
        wanted_status = request.query_params.get("status")
        if wanted_status:
            if wanted_status not in ChangeRequestStatus.values:
                raise ValidationError({"status": [f"“{wanted_status}”不是有效的状态"]})
            requests = requests.filter(status=wanted_status)
        cadre = request.query_params.get("cadre")
        if cadre:
            if not cadre.isdigit():
                raise ValidationError({"cadre": ["请填写干部 id（整数）"]})
            requests = requests.filter(cadre_id=int(cadre))
        page = self.paginate_queryset(requests.order_by("-created_at", "-id")) or []
        return self.get_paginated_response(_serialize(page, many=True).data)

    @extend_schema(summary="信息变更申请详情", responses=ChangeRequestSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_serialize(change_request_for(actor=request.user, request_id=pk)).data)

    @extend_schema(
        summary="提交信息变更申请",
        description="单位人事专员对本单位干部提出修改；组织部审核通过后生效。",
        request=ChangeRequestInputSerializer,
        responses={201: ChangeRequestSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request) -> Response:
        scope = scope_of(request.user)
        if not scope.has_role(Role.UNIT_CLERK):
            raise PermissionDenied(ORG_STAFF_EDIT_DIRECTLY if scope.can_write_any else ONLY_CLERKS)
        serializer = ChangeRequestInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            created = services.change_request_submit(
                actor=request.user, cadre=data["cadre"], changes=data["changes"], note=data.get("note", "")
            )
        except DjangoValidationError as exc:
            # The record's rules speak about the proposed fields: report them
            # where the client sent them, under "changes".
            detail = django_validation_detail(exc)
            fields = {k: v for k, v in detail.items() if k in data["changes"]}
            rest = {k: v for k, v in detail.items() if k not in data["changes"]}
            raise ValidationError({**rest, **({"changes": fields} if fields else {})}) from None
        return Response(_serialize(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="通过申请",
        description="组织部工作人员审核通过，变更立即生效；申请提交后相关字段已被他人修改时不能通过。",
        request=None,
        responses={200: ChangeRequestSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        change_request = change_request_for(actor=request.user, request_id=pk)
        decided = services.change_request_approve(actor=request.user, change_request=change_request)
        return Response(_serialize(change_request_for(actor=request.user, request_id=decided.pk)).data)

    @extend_schema(
        summary="驳回申请",
        request=RejectInputSerializer,
        responses={200: ChangeRequestSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        change_request = change_request_for(actor=request.user, request_id=pk)
        if not can_review(request.user, change_request):
            # Checked before reading the body, so that a reader without the
            # right learns that first, not that the reason is missing.
            raise PermissionDenied("无权审核该申请")
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.change_request_reject(
            actor=request.user, change_request=change_request, reason=serializer.validated_data["reason"]
        )
        return Response(_serialize(change_request_for(actor=request.user, request_id=decided.pk)).data)

    @extend_schema(
        summary="撤回申请",
        description="申请人撤回自己提交、尚未审核的申请。",
        request=None,
        responses={200: ChangeRequestSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        change_request = change_request_for(actor=request.user, request_id=pk)
        decided = services.change_request_withdraw(actor=request.user, change_request=change_request)
        return Response(_serialize(change_request_for(actor=request.user, request_id=decided.pk)).data)
