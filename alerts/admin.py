"""Admin pages for the two kinds of record the checks read that have no
screens of their own yet: influence records (诫勉、处分) and cadre-to-cadre
relations. Scoped like the registry's sub-records; writes go through
alerts.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from alerts import services
from alerts.models import CadreRelation, InfluenceRecord
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


@admin.register(CadreRelation)
class CadreRelationAdmin(SubrecordAdmin):
    list_display = ("cadre", "relation", "relative", "note")
    autocomplete_fields = ("cadre", "relative")  # type: ignore[assignment]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.cadre_relation_save(actor=request.user, relation=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.cadre_relation_delete(actor=request.user, relation=obj)
