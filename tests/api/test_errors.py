"""Every error is JSON with a Chinese ``detail`` and, for bad input, a
field-level ``errors``; DRF's own messages come out in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from personnel.api.exceptions import api_exception_handler
from personnel.services import StaleRecord

pytestmark = pytest.mark.django_db


def handle(exc):
    request = Request(APIRequestFactory().get("/api/v1/cadres/"))
    return api_exception_handler(exc, {"request": request, "view": None})


def test_django_validation_error_by_field_becomes_400_with_errors():
    response = handle(DjangoValidationError({"id_number": ["校验码错误"], "__all__": ["整体错误"]}))
    assert response.status_code == 400
    assert response.data == {
        "detail": "输入有误，请检查各字段",
        "errors": {"id_number": ["校验码错误"], "non_field_errors": ["整体错误"]},
    }


def test_a_record_level_message_is_the_detail():
    response = handle(DjangoValidationError("没有需要变更的内容"))
    assert response.status_code == 400
    assert response.data == {"detail": "没有需要变更的内容", "errors": {"non_field_errors": ["没有需要变更的内容"]}}


def test_permission_denied_and_404_keep_their_chinese_message():
    assert handle(DjangoPermissionDenied("无权修改该单位的数据")).data == {"detail": "无权修改该单位的数据"}
    assert handle(DjangoPermissionDenied("x")).status_code == 403
    response = handle(Http404("未找到该干部"))
    assert (response.status_code, response.data) == (404, {"detail": "未找到该干部"})


def test_stale_record_is_412_with_the_etag(world):
    world["cadre"].version = 7
    response = handle(StaleRecord(world["cadre"]))
    assert response.status_code == 412
    assert response["ETag"] == '"7"'
    assert "已被他人修改" in response.data["detail"]


def test_unexpected_errors_are_left_to_django():
    assert handle(RuntimeError("boom")) is None


def test_drf_messages_are_chinese(as_persona):
    client = as_persona("owner")
    assert client.delete("/api/v1/cadres/").json() == {"detail": "方法 “DELETE” 不被允许。"}
    unsupported = client.post("/api/v1/cadres/", "name=x", content_type="text/plain")
    assert unsupported.status_code == 415
    assert unsupported.json()["detail"].startswith("不支持请求中的媒体类型")
    malformed = client.post("/api/v1/cadres/", "{bad", content_type="application/json")
    assert malformed.status_code == 400
    assert "JSON" in malformed.json()["detail"]


def test_not_acceptable_is_chinese(as_persona):
    response = as_persona("owner").get("/api/v1/cadres/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["detail"].startswith("无法满足")
