"""Admin pages for the registry: scoped querysets, role-based permissions,
and every write through personnel.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.access import scope_of
from accounts.models import Role
from core.admin_mixins import ServiceDeleteMixin
from personnel import services
from personnel.access import scope_queryset
from personnel.models import (
    Appraisal,
    Cadre,
    CadreRelation,
    Code,
    Education,
    FamilyMember,
    LeadershipQuota,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
    Unit,
)

BUSINESS_READERS = (Role.ORG_STAFF, Role.UNIT_CLERK, Role.LEADER)


class ScopedAdmin(ServiceDeleteMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows are visible when their unit path lies in the actor's read scope;
    only org staff with the unit in their jurisdiction may change them."""

    path_field = "unit__path"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_queryset(super().get_queryset(request), request.user, path_field=self.path_field)

    def _row_path(self, obj: Model) -> str:
        value: Any = obj
        for part in self.path_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return ""
        return str(value)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_of(request.user).has_role(*BUSINESS_READERS)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        scope = scope_of(request.user)
        if not scope.has_role(*BUSINESS_READERS):
            return False
        return obj is None or scope.can_read_path(self._row_path(obj))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        scope = scope_of(request.user)
        if not scope.can_write_any:
            return False
        return obj is None or scope.can_write_path(self._row_path(obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return scope_of(request.user).can_write_any

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)


class SubrecordAdmin(ScopedAdmin):
    path_field = "cadre__unit__path"
    # Autocomplete, not raw_id: a raw-id widget labels any id it is given
    # through the unscoped default manager, which would name a cadre the
    # actor may not see.
    autocomplete_fields = ("cadre",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if "cadre" in form.base_fields:
            form.base_fields["cadre"].queryset = scope_queryset(  # type: ignore[attr-defined]
                Cadre.objects.all(), request.user, path_field="unit__path", write=True
            )
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.subrecord_save(actor=request.user, record=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.subrecord_delete(actor=request.user, record=obj)


def _limit_units(form: Any, request: HttpRequest, *fields: str) -> None:
    for name in fields:
        if name in form.base_fields:
            form.base_fields[name].queryset = scope_queryset(
                Unit.objects.all(), request.user, path_field="path", write=True
            )


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    path_field = "path"
    list_display = ("name", "kind", "level", "region_code", "parent", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("name", "short_name")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        _limit_units(form, request, "parent")
        if "parent" in form.base_fields:
            form.base_fields["parent"].required = True
        return form

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.unit_update(actor=request.user, unit=Unit.objects.get(pk=obj.pk), data=data)
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k not in {"name", "parent"}}
            created = services.unit_create(
                actor=request.user, name=form.cleaned_data["name"], parent=form.cleaned_data["parent"], **fields
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Units are deactivated, not deleted: records and history refer to them.
        return False


@admin.register(LeadershipQuota)
class LeadershipQuotaAdmin(ScopedAdmin):
    list_display = ("unit", "post_level", "count")
    autocomplete_fields = ("unit",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        _limit_units(form, request, "unit")
        return form

    def save_model(self, request: HttpRequest, obj: LeadershipQuota, form: Any, change: bool) -> None:
        services.quota_save(actor=request.user, quota=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.quota_delete(actor=request.user, quota=obj)


class ScopedInline(admin.TabularInline):  # type: ignore[type-arg]
    """Inline sub-records follow the parent cadre's scope."""

    extra = 0

    def _cadre_path(self, obj: Model | None) -> str | None:
        return obj.unit.path if isinstance(obj, Cadre) else None

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        scope = scope_of(request.user)
        path = self._cadre_path(obj)
        return scope.has_role(*BUSINESS_READERS) and (path is None or scope.can_read_path(path))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        scope = scope_of(request.user)
        path = self._cadre_path(obj)
        return scope.can_write_any and (path is None or scope.can_write_path(path))

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)


class EducationInline(ScopedInline):
    model = Education


class PostHeldInline(ScopedInline):
    model = PostHeld
    autocomplete_fields = ("unit",)


class ResumeInline(ScopedInline):
    model = ResumeEntry


class FamilyInline(ScopedInline):
    model = FamilyMember


class AppraisalInline(ScopedInline):
    model = Appraisal


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    list_display = ("name", "sex", "birth_date", "unit", "current_post", "post_level", "status")
    list_filter = ("sex", "status", "identity_category", "management_category")
    search_fields = ("name", "name_initials", "name_pinyin", "id_number")
    list_select_related = ("unit", "post_level")
    autocomplete_fields = ("unit",)
    readonly_fields = ("version",)
    inlines = (EducationInline, PostHeldInline, ResumeInline, FamilyInline, AppraisalInline)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        _limit_units(form, request, "unit")
        return form

    def save_model(self, request: HttpRequest, obj: Cadre, form: Any, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            updated = services.cadre_update(actor=request.user, cadre=obj, data=data)
            obj.version = updated.version
        else:
            created = services.cadre_create(actor=request.user, data=form.cleaned_data)
            obj.pk = created.pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        records = formset.save(commit=False)
        for record in records:
            services.subrecord_save(actor=request.user, record=record)
        for record in formset.deleted_objects:
            services.subrecord_delete(actor=request.user, record=record)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.cadre_delete(actor=request.user, cadre=obj)


for _model in (Education, ResumeEntry, PostHeld, FamilyMember, RewardPunishment, Appraisal, Photo):
    admin.site.register(_model, SubrecordAdmin)


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Code tables are configuration: everyone with a role reads them, the
    system administrator maintains them."""

    list_display = ("table", "code", "name", "pinyin", "parent", "is_active")
    list_filter = ("table", "is_active")
    search_fields = ("code", "name", "pinyin")
    autocomplete_fields = ("parent",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(scope_of(request.user).roles - {Role.API_CLIENT.value})

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return scope_of(request.user).has_role(Role.SYSTEM_ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return scope_of(request.user).has_role(Role.SYSTEM_ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Codes are deactivated, never deleted: records refer to them.
        return False

    def save_model(self, request: HttpRequest, obj: Code, form: Any, change: bool) -> None:
        services.code_save(actor=request.user, code=obj)


@admin.register(CadreRelation)
class CadreRelationAdmin(SubrecordAdmin):
    """Cadre-to-cadre relations the family records do not show (read by the
    avoidance check); entered here until the registry has a screen for them."""

    list_display = ("cadre", "relation", "relative", "note")
    autocomplete_fields = ("cadre", "relative")  # type: ignore[assignment]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.cadre_relation_save(actor=request.user, relation=obj)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.cadre_relation_delete(actor=request.user, relation=obj)
