"""Project-level pages: the home page and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.views import browser_login_required
from cadre.dashboard import dashboard_for

logger = logging.getLogger(__name__)


@require_safe
@browser_login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"dashboard": dashboard_for(actor=request.user)})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for container health checks: no login, no data, only whether
    the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
