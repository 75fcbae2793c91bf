"""Pages render a ``UserError`` their views did not catch the way the API
does: its status and its sentence (the API's handler is
``personnel.api.exceptions.api_exception_handler``; DRF views handle their
own exceptions, so only pages reach this middleware)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import UserError


class UserErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UserError):
            return None
        context = {"message": exception.message, "status": exception.status_code}
        return render(request, "user_error.html", context, status=exception.status_code)
