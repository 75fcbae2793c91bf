"""Reads of the registry, always scoped to the actor through the access layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import QueryDict

from personnel.access import cadres_visible_to
from personnel.filters import CadreFilter
from personnel.models import Cadre, CadreStatus

if TYPE_CHECKING:
    from accounts.access import Actor

LIST_RELATED = ("unit", "post_level", "rank", "ethnicity", "political_status")


def list_params(query: QueryDict) -> QueryDict:
    """The filter parameters of a list request. A first visit (no ``status``
    at all) lists the cadres in office (在职); the form always sends
    ``status``, empty for 全部, so a submitted or bookmarked list is exact."""
    params = query.copy()
    if "status" not in params:
        params["status"] = CadreStatus.ACTIVE
    return params


def cadre_list_visible_to(*, actor: Actor, params: Any) -> tuple[CadreFilter, QuerySet[Cadre]]:
    """The actor's cadres filtered by list parameters (a QueryDict or dict).
    Returns the bound filter (its form carries the Chinese error messages of
    bad parameters) and the queryset; an invalid filter gives no rows. The
    default order is the unit tree, then the cadre id; a chosen order ends
    with the id too, so that pages are stable when the sort key ties."""
    base = cadres_visible_to(actor).select_related(*LIST_RELATED)
    cadre_filter = CadreFilter(params, queryset=base)
    if not cadre_filter.is_valid():
        return cadre_filter, base.none()
    queryset = cadre_filter.qs
    order = [str(field) for field in queryset.query.order_by]
    if not order:
        order = ["unit__path"]
    if not {"id", "-id", "pk", "-pk"} & set(order):
        order.append("id")
    return cadre_filter, queryset.order_by(*order)
