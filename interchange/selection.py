"""Which cadres an export or a batch print covers: an explicit list of ids
(``ids=1,2,3`` or repeated ``ids``), else the cadre list's own filter (the
same parameters as the list page and GET /api/v1/cadres/). Always scoped
to the actor: an id the actor may not see is "not found" (404), exactly
like a missing one, so that scope can't be probed through a batch."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, QueryDict

from personnel.access import cadres_visible_to
from personnel.models import CadreStatus
from personnel.selectors import cadre_list_visible_to

if TYPE_CHECKING:
    from accounts.access import Actor
    from personnel.models import Cadre

_SEPARATORS = re.compile(r"[,，\s]+")


class SelectionError(ValueError):
    """A selection that can't be exported; the message is for the user."""


def export_limit() -> int:
    return int(settings.INTERCHANGE_LIMITS["export_cadres"])


def requested_ids(params: Mapping[str, Any]) -> list[int] | None:
    """The ids asked for, or None when the request names none."""
    if isinstance(params, QueryDict):
        raw = params.getlist("ids")
    else:
        value = params.get("ids")
        raw = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
    parts = [part for value in raw for part in _SEPARATORS.split(str(value)) if part]
    if not parts:
        return None
    try:
        ids = [int(part) for part in parts]
    except ValueError:
        raise Http404("未找到该干部") from None
    return list(dict.fromkeys(ids))


def selected_cadres(*, actor: Actor, params: Mapping[str, Any]) -> QuerySet[Cadre]:
    """The cadres of an export, in the list's order (or the order of the ids).
    Raises Http404 for an id out of scope, SelectionError for an invalid
    filter, an empty selection or one over the export limit."""
    ids = requested_ids(params)
    if ids is not None:
        if len(ids) > export_limit():
            raise SelectionError(f"一次最多导出或打印{export_limit()}人，请分批选择")
        queryset = cadres_visible_to(actor).filter(pk__in=ids)
        if queryset.count() != len(ids):
            raise Http404("未找到所选的部分干部")
        return queryset.order_by("unit__path", "id")
    query = QueryDict(mutable=True)
    if isinstance(params, QueryDict):
        query = params.copy()
    else:
        for key, value in params.items():
            query.setlist(key, value if isinstance(value, list) else [value])
    if "status" not in query:
        query["status"] = CadreStatus.ACTIVE
    cadre_filter, queryset = cadre_list_visible_to(actor=actor, params=query)
    if cadre_filter.form.errors:
        raise SelectionError("筛选条件有误，请先修改筛选条件")
    count = queryset.order_by()[: export_limit() + 1].count()
    if count == 0:
        raise SelectionError("没有符合条件的干部")
    if count > export_limit():
        raise SelectionError(f"符合条件的干部超过{export_limit()}人，请缩小筛选范围后分批导出或打印")
    return queryset
