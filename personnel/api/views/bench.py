"""The comparison view of bench/api_list.py: the same page of the same
scoped, filtered list as GET /api/v1/cadres/, written the plain way
(``.values()`` and JsonResponse, no DRF). It answers 404 unless the
setting BENCH_PLAIN_VIEW is on, which only the benchmark's own settings
module does; even then it shows only the token owner's scope.

By default it reads the page with the same two queries as the API
(``page_rows``), so that the comparison measures what DRF and the row shape
cost; ``?variant=naive`` slices one ``.values()`` query instead, to show
what the two-step read is worth."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe
from rest_framework.authtoken.models import Token

from personnel.api.pagination import page_rows
from personnel.api.serializers import LIST_COLUMNS
from personnel.selectors import cadre_list_visible_to


@require_safe
def plain_cadre_page(request: HttpRequest) -> JsonResponse:
    if not getattr(settings, "BENCH_PLAIN_VIEW", False):
        raise Http404
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    token = Token.objects.select_related("user").filter(key=key).first() if keyword == "Token" else None
    if token is None or not token.user.is_active:
        return JsonResponse({"detail": "身份认证信息未提供。"}, status=401)
    cadre_filter, queryset = cadre_list_visible_to(actor=token.user, params=request.GET)
    if cadre_filter.errors:
        return JsonResponse({"detail": "输入有误"}, status=400)
    try:
        size = max(1, min(int(request.GET.get("page_size") or 50), 200))
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return JsonResponse({"detail": "输入有误"}, status=400)
    start = (page - 1) * size
    count = queryset.count()
    if request.GET.get("variant") == "naive":
        rows: list[Any] = list(queryset.values(*LIST_COLUMNS)[start : start + size])
    else:
        rows = [
            dict(zip(LIST_COLUMNS, row, strict=True)) for row in page_rows(queryset, LIST_COLUMNS, start, start + size)
        ]
    return JsonResponse({"count": count, "results": rows}, json_dumps_params={"ensure_ascii": False})
