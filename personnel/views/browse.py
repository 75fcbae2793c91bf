"""The cadre list (干部名册) and its Excel export.

Both read through ``cadre_list_visible_to``, the filter the REST API uses,
with the same GET parameters: the whole state of a list (filters, columns,
sort, page) lives in the URL, so a list can be bookmarked or sent to a
colleague and its export holds exactly what the page shows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.views import browser_login_required
from core.xlsx import XLSX_CONTENT_TYPE
from personnel.access import require_cadre_scope
from personnel.exports import (
    COLUMNS,
    EXPORT_MAX_ROWS,
    REQUIRED_COLUMN_KEYS,
    Column,
    RowContext,
    Value,
    columns_from,
    content_disposition,
    export_rows,
    row_values,
    with_columns,
    write_xlsx,
)
from personnel.filters import CadreFilter
from personnel.models import Cadre, CadreStatus, Code, CodeTable, IdentityCategory, Sex
from personnel.selectors import cadre_list_visible_to, list_params
from personnel.unit_selectors import UnitChoice, unit_choices_for

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

PAGE_SIZES = (20, 50, 100)
# Counting every row of a large result costs as much as reading it: the
# list counts up to this many and says "more than" beyond; the user can ask
# for the exact figure (?count=exact).
COUNT_CAP = 10_000
CODE_LIST = re.compile(r"[,，\s]+")


def count_capped(queryset: QuerySet[Cadre], cap: int | None) -> tuple[int, bool]:
    """(count, capped): at most ``cap`` rows are counted; None counts all."""
    unordered = queryset.order_by()
    if cap is None:
        return unordered.count(), False
    n = unordered[: cap + 1].count()
    return min(n, cap), n > cap


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    sort_url: str | None
    # "asc" / "desc" in the column's own sense (age ascending = youngest first).
    sorted: str | None


def _toggled(ordering: str) -> str:
    return ordering[1:] if ordering.startswith("-") else f"-{ordering}"


def _header(query: QueryDict, columns: list[Column]) -> list[HeaderCell]:
    current = query.get("ordering", "")
    cells = []
    for column in columns:
        if column.ordering is None:
            cells.append(HeaderCell(column=column, sort_url=None, sorted=None))
            continue
        state = "asc" if current == column.ordering else "desc" if current == _toggled(column.ordering) else None
        params = query.copy()
        params["ordering"] = _toggled(column.ordering) if state == "asc" else column.ordering
        params.pop("page", None)
        cells.append(HeaderCell(column=column, sort_url=f"?{params.urlencode()}", sorted=state))
    return cells


def _selected_codes(params: QueryDict, name: str) -> set[str]:
    return {code for value in params.getlist(name) for code in CODE_LIST.split(value) if code}


def _code_options(params: QueryDict) -> dict[str, Any]:
    """The code tables of the filter panel, read in one query."""
    tables = [CodeTable.ETHNICITY, CodeTable.POST_LEVEL, CodeTable.RANK, CodeTable.EDUCATION, CodeTable.DEGREE]
    by_table: dict[str, list[Code]] = {table: [] for table in tables}
    for code in Code.objects.filter(table__in=tables, is_active=True).order_by("table", "sort_order", "id"):
        by_table[code.table].append(code)

    def checks(table: CodeTable, name: str, keep: set[int] | None = None) -> list[dict[str, Any]]:
        chosen = _selected_codes(params, name)
        return [
            {"code": code.code, "name": code.name, "checked": code.code in chosen}
            for code in by_table[table]
            if keep is None or code.pk in keep or code.code in chosen
        ]

    # 学历: the ZB64 groups (研究生教育, 本科教育 …) include their sub-codes;
    # a sub-code appears only when the URL asks for it.
    education_tops = {code.pk for code in by_table[CodeTable.EDUCATION] if code.parent_id is None}
    degrees = by_table[CodeTable.DEGREE]
    degree_tops = [code for code in degrees if code.parent_id is None]
    degree_groups = [(top, [code for code in degrees if code.parent_id == top.pk]) for top in degree_tops]
    return {
        "ethnicities": by_table[CodeTable.ETHNICITY],
        "post_levels": checks(CodeTable.POST_LEVEL, "post_level"),
        "ranks": checks(CodeTable.RANK, "rank"),
        "educations": checks(CodeTable.EDUCATION, "education", keep=education_tops),
        "degree_groups": degree_groups,
    }


def _int_param(query: QueryDict, name: str, default: int, allowed: tuple[int, ...] | None = None) -> int:
    try:
        value = int(query.get(name, default))
    except (TypeError, ValueError):
        return default
    if allowed is not None and value not in allowed:
        return default
    return value


def _paginate(queryset: QuerySet[Cadre], query: QueryDict, total: int, page_size: int) -> Page[int]:
    """The page of cadre ids. Ordering and limiting the ids alone, with no
    more joins than the filters need, lets PostgreSQL stop after one page
    (and sort narrow rows); the page's rows are read afterwards by id."""
    ids = queryset.values_list("pk", flat=True)
    paginator: Paginator[int] = Paginator(ids, page_size)
    # The count is known (possibly capped): the paginator must not count again.
    paginator.__dict__["count"] = total
    return paginator.get_page(query.get("page"))


def _page_cadres(ids: list[int], columns: list[Column], ctx: RowContext) -> list[Cadre]:
    # The ids come from the actor's scoped, filtered list.
    by_id = {cadre.pk: cadre for cadre in with_columns(Cadre.objects.filter(pk__in=ids), columns)}
    cadres = [by_id[pk] for pk in ids if pk in by_id]
    ctx.load(cadres, columns)
    return cadres


@dataclass(frozen=True)
class Row:
    cadre: Cadre
    url: str
    cells: list[tuple[Column, Value]]


def _unit_options(choices: list[UnitChoice], selected: int | None) -> SafeString:
    """The unit select's options, built here rather than in the template: a
    city's or a province's select holds a few hundred units, and a template
    loop over them would cost more than the whole list query."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((choice.pk, mark_safe(" selected") if choice.pk == selected else "", choice.label) for choice in choices),
    )


@require_safe
@never_cache
@browser_login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    scope = require_cadre_scope(request.user)
    query = request.GET
    params = list_params(query)
    cadre_filter, queryset = cadre_list_visible_to(actor=request.user, params=params)
    form = cadre_filter.form
    valid = not form.errors
    cleaned = getattr(form, "cleaned_data", {})
    ctx = RowContext(as_of=cleaned.get("as_of") or timezone.localdate(), scope=scope)

    columns = columns_from(query)
    page_size = _int_param(query, "page_size", PAGE_SIZES[0], PAGE_SIZES)
    exact = query.get("count") == "exact"
    total, capped = count_capped(queryset, None if exact else COUNT_CAP) if valid else (0, False)
    page = _paginate(queryset, query, total, page_size)
    rows = [
        Row(
            cadre=cadre,
            url=reverse("personnel:cadre-detail", args=[cadre.pk]),
            cells=list(zip(columns, row_values(cadre, columns, ctx), strict=True)),
        )
        for cadre in (_page_cadres(list(page), columns, ctx) if total else [])
    ]
    selected_unit = cleaned.get("unit") if valid else None

    chosen_keys = {column.key for column in columns}
    context = {
        "params": params,
        "form": form,
        "valid": valid,
        "as_of": ctx.as_of,
        "rows": rows,
        "header": _header(query, columns),
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        if total
        else [],
        "ellipsis": Paginator.ELLIPSIS,
        "total": total,
        "capped": capped,
        "count_cap": COUNT_CAP,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "all_columns": [
            {"column": column, "checked": column.key in chosen_keys, "required": column.key in REQUIRED_COLUMN_KEYS}
            for column in COLUMNS
        ],
        "unit_options": _unit_options(unit_choices_for(actor=request.user, selected=selected_unit), selected_unit),
        "sexes": Sex.choices,
        "statuses": CadreStatus.choices,
        "identity_categories": IdentityCategory.choices,
        "parties": CadreFilter.base_filters["party"].extra["choices"],
        "generations": CadreFilter.base_filters["generation"].extra["choices"],
        "filters_open": _has_filters(query),
        "export_query": query.urlencode(),
        "export_max_rows": EXPORT_MAX_ROWS,
        **_code_options(params),
    }
    return render(request, "personnel/list/cadre_list.html", context)


# Parameters that are not filters: they don't open the filter panel.
_VIEW_PARAMS = {"q", "page", "page_size", "cols", "ordering", "count", "status"}


def _has_filters(query: QueryDict) -> bool:
    return any(value for key, values in query.lists() if key not in _VIEW_PARAMS for value in values) or bool(
        query.get("status", CadreStatus.ACTIVE) != CadreStatus.ACTIVE
    )


@require_safe
@never_cache
@browser_login_required
def cadre_export(request: HttpRequest) -> HttpResponse:
    """The current list, with its chosen columns, as .xlsx. Refused (back to
    the list with a message) when the filters are invalid or the list is
    longer than EXPORT_MAX_ROWS."""
    scope = require_cadre_scope(request.user)
    query = request.GET
    cadre_filter, queryset = cadre_list_visible_to(actor=request.user, params=list_params(query))
    back = HttpResponseRedirect(f"{reverse('personnel:cadre-list')}?{query.urlencode()}")
    if cadre_filter.form.errors:
        messages.error(request, "筛选条件有误，无法导出，请先修改筛选条件。")
        return back
    total, capped = count_capped(queryset, EXPORT_MAX_ROWS)
    if capped:
        messages.error(request, f"导出的干部超过 {EXPORT_MAX_ROWS} 人，请缩小筛选范围后分批导出。")
        return back
    columns = columns_from(query)
    ctx = RowContext(as_of=cadre_filter.form.cleaned_data.get("as_of") or timezone.localdate(), scope=scope)
    output = write_xlsx(export_rows(queryset, columns, ctx), [column.label for column in columns])
    # Who exported what: bulk exports of personal data are for the audit trail.
    logger.info(
        "cadre export by user %s: %d rows, columns %s, parameters %s",
        request.user.pk,
        total,
        ",".join(column.key for column in columns),
        query.urlencode(),
    )
    today = timezone.localdate()
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"干部名册_{today:%Y%m%d}.xlsx", f"cadres_{today:%Y%m%d}.xlsx"
    )
    # A streamed response; browser_login_required is typed for plain ones.
    return cast(HttpResponse, response)
