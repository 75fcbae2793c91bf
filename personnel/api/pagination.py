"""Page-number pagination with a client-chosen page size (``page_size``),
capped so that no request can ask for the whole registry at once."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class CodePagination(PageNumberPagination):
    """Code tables are reference data that clients load whole (ZB01 has
    2,342 entries)."""

    page_size = 500
    max_page_size = 5000


class RowsPaginator(DjangoPaginator):  # type: ignore[type-arg]
    """Counts the model queryset and reads the page as ``values_list`` rows
    of ``columns``: counting the rows queryset would keep the joins its
    columns need (four code tables for the cadre list), which a count of a
    large table pays for on every page."""

    columns: tuple[str, ...] = ()

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list.values_list(*self.columns)[bottom:top]  # type: ignore[attr-defined]
        return Page(rows, number, self)


def rows_pagination(columns: tuple[str, ...]) -> type[PageNumberPagination]:
    """A pagination class whose pages are ``values_list(*columns)`` rows."""
    paginator = type("ColumnsPaginator", (RowsPaginator,), {"columns": columns})
    return type("RowsPagination", (PageNumberPagination,), {"django_paginator_class": paginator})
