"""Errors of the API as JSON with Chinese messages and a field-level structure:

    {"detail": "输入有误，请检查各字段", "errors": {"id_number": ["…"]}}

Every error has ``detail`` (one sentence for a person); validation errors add
``errors`` (field → messages, ``non_field_errors`` for the rest). Exceptions
of the domain layer keep their status: Django's ValidationError is 400,
PermissionDenied 403, Http404 404 (missing and out-of-scope alike) and
StaleRecord 412 with the record's current ETag and representation, and
every ``core.errors.UserError`` its own status with its message as ``detail``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import UserError
from personnel.api.concurrency import PreconditionFailed, etag_for
from personnel.api.serializers import CadreDetailSerializer
from personnel.record_selectors import cadre_sheet_for
from personnel.services import StaleRecord

INVALID_INPUT = "输入有误，请检查各字段"
# DRF doesn't translate its CSRF message; the browser's users read this one.
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试（会话登录的修改请求必须带 X-CSRFToken 请求头）"


class RefusedRequest(exceptions.APIException):
    """A ``UserError`` on its way out of the API."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.message, code="refused")
        self.status_code = error.status_code


def django_validation_detail(exc: DjangoValidationError) -> dict[str, Any]:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        return {(non_field if field == "__all__" else field): messages for field, messages in exc.message_dict.items()}
    return {non_field: exc.messages}


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(django_validation_detail(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, StaleRecord):
        return PreconditionFailed()
    if isinstance(exc, UserError):
        return RefusedRequest(exc)
    return exc


def _validation_body(detail: Any) -> dict[str, Any]:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        errors = dict(detail)
    else:
        errors = {non_field: list(detail) if isinstance(detail, list) else [detail]}
    summary = INVALID_INPUT
    if set(errors) == {non_field} and errors[non_field]:
        # Only record-level problems: the first one is the best summary.
        summary = str(errors[non_field][0])
    return {"detail": summary, "errors": errors}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: reshape every error into the
    project's JSON form; unexpected exceptions still become a 500."""
    stale = exc if isinstance(exc, StaleRecord) else None
    converted = _as_api_exception(exc)
    response = exception_handler(converted, context)
    if response is None:
        return None
    if isinstance(converted, exceptions.ValidationError):
        response.data = _validation_body(converted.detail)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        if isinstance(converted, exceptions.PermissionDenied) and str(detail).startswith("CSRF Failed"):
            detail = CSRF_FAILED
        response.data = {"detail": detail}
    if stale is not None:
        _attach_current(response, stale, context)
    return response


def _attach_current(response: Response, stale: StaleRecord, context: dict[str, Any]) -> None:
    """A 412 carries what the record looks like now, so the client can redo
    the edit on top of it without another round trip."""
    request = context.get("request")
    response["ETag"] = etag_for(stale.current.version)
    response.data["current_version"] = stale.current.version
    if request is None:
        return
    try:
        current = cadre_sheet_for(actor=request.user, cadre_id=stale.current.pk)
    except Http404:
        return
    response.data["current"] = CadreDetailSerializer(current, context=context).data
