"""Reads the API needs beyond those it shares with the browser pages
(personnel.selectors, record_selectors, unit_selectors), each scoped through
accounts.access and each a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from personnel.access import units_visible_to
from personnel.models import (
    Cadre,
    Code,
    LeadershipQuota,
    Unit,
)
from personnel.subrecords import BY_MODEL

if TYPE_CHECKING:
    from accounts.access import Actor

# --- sub-records ----------------------------------------------------------------------


def subrecords_of(model: type[Any], cadre: Cadre) -> QuerySet[Any]:
    """One kind of sub-record of a cadre the caller already got through the
    access layer (``cadre_for_actor``)."""
    records: QuerySet[Any] = model._default_manager.filter(cadre=cadre).select_related(*BY_MODEL[model].related)
    return records


def subrecord_of(model: type[Any], cadre: Cadre, record_id: Any) -> Any:
    try:
        return subrecords_of(model, cadre).get(pk=record_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"未找到该{model._meta.verbose_name}记录") from None


# --- units --------------------------------------------------------------------------------


def units_for_list(*, actor: Actor, parent: int | None = None, q: str = "") -> QuerySet[Unit]:
    units = units_visible_to(actor).select_related("parent")
    if parent is not None:
        units = units.filter(parent_id=parent)
    if q:
        units = units.filter(name__contains=q)
    return units.order_by("path")


def unit_detail_for(*, actor: Actor, unit_id: Any) -> Unit:
    quotas = LeadershipQuota.objects.select_related("post_level").order_by("post_level__sort_order")
    try:
        unit: Unit = (
            units_visible_to(actor)
            .select_related("parent")
            .prefetch_related(Prefetch("quotas", queryset=quotas))
            .get(pk=unit_id)
        )
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None
    return unit


# --- code tables ---------------------------------------------------------------------------


def codes_for_list(*, table: str | None, q: str | None) -> QuerySet[Code]:
    """Code-table entries (not scoped: the national code tables are public
    reference data), by table and by the start of the code, name or pinyin
    initials."""
    codes = Code.objects.select_related("parent").order_by("table", "sort_order", "id")
    if table:
        codes = codes.filter(table=table)
    if q:
        codes = codes.filter(Q(code__startswith=q) | Q(name__startswith=q) | Q(pinyin__startswith=q.upper()))
    return codes
