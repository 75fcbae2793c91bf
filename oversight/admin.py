"""Admin page for sanctions and 诫勉 (no screens of their own yet). Scoped
like the registry's sub-records; writes go through oversight.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oversight import services
from oversight.models import InfluenceRecord
from personnel.admin import SubrecordAdmin


@admin.register(InfluenceRecord)
class InfluenceRecordAdmin(SubrecordAdmin):
    list_display = ("cadre", "kind", "decided_on", "authority", "document_no")
    list_filter = ("kind",)
    date_hierarchy = "decided_on"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.influence_record_save(actor=request.user, record=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.influence_record_delete(actor=request.user, record=obj)
