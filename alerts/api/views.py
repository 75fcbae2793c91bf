"""Alerts over the API: the scoped, filterable list, one alert, and
acknowledging it. The list takes the alert centre's filters (same form,
same selector), so a client sees exactly what the page shows.

Acknowledging is an action, not an edit of the alert's fields: it needs no
If-Match, and acknowledging twice is harmless."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import selectors, services
from alerts.api.serializers import AcknowledgeInputSerializer, AlertSerializer
from alerts.forms import AlertFilterForm
from alerts.models import Alert
from alerts.selectors import STATE_FILTERS
from personnel.api.exceptions import django_validation_detail
from personnel.api.pagination import PageNumberPagination
from personnel.api.views.cadres import ERROR_RESPONSES


class AlertViewSet(viewsets.GenericViewSet[Alert]):
    queryset = Alert.objects.none()  # for the schema; reads go through the selectors
    pagination_class = PageNumberPagination
    serializer_class = AlertSerializer
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="预警列表",
        description="调用者管理或查看范围内干部的预警。默认只列出待处理和已知悉的预警（state=active）。",
        parameters=[
            OpenApiParameter("rule", str, description="规则"),
            OpenApiParameter("unit", int, description="单位 id（含下级单位）"),
            OpenApiParameter("state", str, enum=list(STATE_FILTERS), description="状态；空值为全部"),
            OpenApiParameter("due_after", str, description="到期日不早于（YYYY-MM-DD）"),
            OpenApiParameter("due_before", str, description="到期日不晚于（YYYY-MM-DD）"),
            OpenApiParameter("cadre", int, description="干部 id"),
        ],
        responses=AlertSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        form = AlertFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        filters = form.filters()
        cadre = request.query_params.get("cadre")
        if cadre:
            if not cadre.isdigit():
                raise ValidationError({"cadre": ["干部 id 应为整数"]})
            filters = dataclasses.replace(filters, cadre_id=int(cadre))
        queryset = (
            selectors.alert_list_visible_to(actor=request.user, filters=filters)
            .select_related("cadre__unit", "assigned_to")
            .order_by("due_date", "id")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AlertSerializer(page, many=True).data)

    @extend_schema(summary="预警详情", responses={200: AlertSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AlertSerializer(selectors.alert_for_actor(request.user, pk)).data)

    @extend_schema(
        summary="确认知悉预警",
        description="组织部工作人员（管理权限内）或该单位人事专员确认已知悉；只读账号不能确认。重复确认不报错。",
        request=AcknowledgeInputSerializer,
        responses={200: AlertSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        alert = selectors.alert_for_actor(request.user, pk)
        payload = AcknowledgeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            alert = services.alert_acknowledge(actor=request.user, alert=alert, note=payload.validated_data["note"])
        except DjangoValidationError as exc:
            raise ValidationError(django_validation_detail(exc)) from None
        alert = selectors.alert_for_actor(request.user, alert.pk)
        return Response(AlertSerializer(alert).data)
