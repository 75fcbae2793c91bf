"""Admin mixins every app's admin uses (the admin site itself is composed in
``cadre/admin_site.py``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest


class ServiceDeleteMixin:
    """Admin deletes go through the model's service one object at a time, so
    each is scope-checked and attributed; a bulk delete is all or nothing.
    An admin that allows deleting names its service here."""

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} deletes nothing without a service")

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self.delete_through_service(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_through_service(request, obj)
