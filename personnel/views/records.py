"""A cadre's own pages: the record sheet (the national form's sections, the
computed values, the history), the photo, and editing (direct for org staff,
a change request for a unit clerk), with optimistic concurrency.

Reads go through personnel.record_selectors (scoped), writes through
personnel.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.views import browser_login_required
from personnel import record_selectors, services
from personnel.access import cadre_for_actor
from personnel.forms import (
    SUBRECORD_KINDS,
    AgeReferenceForm,
    CadreForm,
    CodeOptions,
    record_json,
    subrecord_formset,
)
from personnel.models import Cadre

TABS = (
    ("basic", "基本信息"),
    ("posts", "任职"),
    ("resume", "简历"),
    ("family", "家庭"),
    ("rewards", "奖惩考核"),
    ("history", "历史记录"),
)
# Only these image types are served as they are; anything else recorded in
# the photo row's content type is sent as JPEG, never as HTML or SVG.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp"})


@require_safe
@browser_login_required
def cadre_detail(request: HttpRequest, cadre_id: int) -> HttpResponse:
    actor = request.user
    cadre = record_selectors.cadre_sheet_for(actor=actor, cadre_id=cadre_id)
    tab = request.GET.get("tab", "basic")
    if tab not in dict(TABS):
        tab = "basic"
    age_form = AgeReferenceForm(request.GET if request.GET.get("at") else None)
    reference = age_form.cleaned_data["at"] if age_form.is_bound and age_form.is_valid() else None
    sheet = record_selectors.cadre_sheet(cadre, reference=reference)
    history = None
    if tab == "history":
        history = record_selectors.cadre_history_page(cadre=cadre, page_number=request.GET.get("page"))
    context = {
        "cadre": cadre,
        "sheet": sheet,
        "facts": sheet.facts,
        "tab": tab,
        "tabs": TABS,
        "age_form": age_form,
        "history": history,
        "edit_mode": record_selectors.edit_mode_for(actor=actor, cadre=cadre),
        "pending_requests": record_selectors.pending_requests_for(actor=actor, cadre=cadre),
        "subrecord_kinds": SUBRECORD_KINDS.values(),
    }
    return render(request, "personnel/cadre/detail.html", context)


@require_safe
@browser_login_required
def cadre_photo(request: HttpRequest, cadre_id: int) -> HttpResponse:
    photo = record_selectors.cadre_photo_for(actor=request.user, cadre_id=cadre_id)
    if photo is None:
        response = HttpResponse(render_to_string("personnel/cadre/photo_placeholder.svg"), content_type="image/svg+xml")
    else:
        content_type = photo.content_type if photo.content_type in PHOTO_TYPES else "image/jpeg"
        response = HttpResponse(bytes(photo.data), content_type=content_type)
    # A personal photo: kept out of shared caches; the browser may reuse it briefly.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _editable_cadre(request: HttpRequest, cadre_id: int) -> tuple[Cadre, str]:
    """The cadre and how this actor may change it. Out of scope: 404; in
    scope but read-only (a leader): 403."""
    cadre = cadre_for_actor(request.user, cadre_id)
    mode = record_selectors.edit_mode_for(actor=request.user, cadre=cadre)
    if mode is None:
        raise PermissionDenied("您的账号只能查看干部信息，不能修改")
    return cadre, mode


def _edit_context(cadre: Cadre, form: CadreForm, mode: str, **extra: Any) -> dict[str, Any]:
    return {"cadre": cadre, "form": form, "mode": mode, "subrecord_kinds": SUBRECORD_KINDS.values(), **extra}


@require_http_methods(["GET", "POST"])
@browser_login_required
def cadre_edit(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """Org staff save directly; a unit clerk's changed fields become a change
    request. Either way the form carries the version the editor saw, and a
    save over someone else's newer save is refused and shown."""
    actor = request.user
    cadre, mode = _editable_cadre(request, cadre_id)
    if request.method != "POST":
        form = CadreForm(instance=cadre, actor=actor, mode=mode)
        return render(request, "personnel/cadre/edit.html", _edit_context(cadre, form, mode))

    form = CadreForm(request.POST, instance=cadre, actor=actor, mode=mode)
    if form.is_valid():
        seen_version = form.cleaned_data["version"]
        changed = form.changed_record_fields()
        if not changed:
            if mode == "direct":
                messages.info(request, "未修改任何内容。")
                return redirect("personnel:cadre-detail", cadre_id=cadre.pk)
            form.add_error(None, "没有修改任何内容，无需提交变更申请。")
        elif mode == "direct":
            try:
                services.cadre_update(
                    actor=actor,
                    cadre=cadre,
                    data={name: form.model_value(name) for name in changed},
                    expected_version=seen_version,
                )
            except services.StaleRecord as exc:
                return _conflict(request, exc.current, form, mode)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "无权修改该干部的信息")
            else:
                messages.success(request, f"已保存对{cadre.name}的修改。")
                return redirect("personnel:cadre-detail", cadre_id=cadre.pk)
        else:
            try:
                change_request = services.change_request_submit(
                    actor=actor,  # type: ignore[arg-type]
                    cadre=cadre,
                    changes={name: form.json_of(name) for name in changed},
                    note=form.cleaned_data.get("change_note") or "",
                    expected_version=seen_version,
                )
            except services.StaleRecord as exc:
                return _conflict(request, exc.current, form, mode)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "无权对该干部提出变更")
            else:
                messages.success(request, "变更申请已提交，等待组织部审核；审核通过后才会修改干部信息。")
                return redirect("personnel:change-detail", request_id=change_request.pk)
    return render(request, "personnel/cadre/edit.html", _edit_context(cadre, form, mode), status=400)


def _conflict(request: HttpRequest, current: Cadre, form: CadreForm, mode: str) -> HttpResponse:
    """Someone saved after this editor opened the form: nothing is written.
    Show what they changed (as the editor saw it → now) beside the editor's
    own values, and a fresh form on the current version that keeps the
    editor's own changes so they can check them and save again."""
    seen_version = form.cleaned_data["version"]
    names = form.record_fields()
    snapshot = record_selectors.cadre_snapshot_at(cadre=current, version=seen_version)
    yours = {name: form.json_of(name) for name in names}
    seen = record_json(snapshot or current, names)
    mine = [name for name in names if yours[name] != seen[name]]
    rows = record_selectors.edit_conflict_rows(cadre=current, snapshot=snapshot, names=names, yours=yours)
    initial: dict[str, Any] = {name: form.cleaned_data.get(name) for name in mine}
    initial["version"] = current.version
    if "change_note" in form.fields:
        initial["change_note"] = form.cleaned_data.get("change_note", "")
    fresh = CadreForm(instance=current, actor=request.user, mode=mode, initial=initial)
    context = _edit_context(
        current,
        fresh,
        mode,
        conflict_rows=rows,
        conflict_events=record_selectors.cadre_events_since(cadre=current, version=seen_version),
        seen_version=seen_version,
        kept_fields=[fresh[name].label for name in mine if name in fresh.fields],
    )
    return render(request, "personnel/cadre/edit.html", context, status=409)


class _Rollback(Exception):
    pass


@require_http_methods(["GET", "POST"])
@browser_login_required
def cadre_subrecords_edit(request: HttpRequest, cadre_id: int, kind: str) -> HttpResponse:
    """Org staff edit one kind of sub-record as a table of rows; each row is
    saved or deleted through the services, all rows in one transaction, and
    only if nobody changed the record since the page was opened."""
    spec = SUBRECORD_KINDS.get(kind)
    if spec is None:
        raise Http404("未找到该页面")
    actor = request.user
    cadre, mode = _editable_cadre(request, cadre_id)
    if mode != "direct":
        raise PermissionDenied("学历、简历、家庭成员等记录由组织部维护；如需更正，请联系组织部。")
    formset_class = subrecord_formset(spec)
    queryset = spec.model._default_manager.filter(cadre=cadre)
    form_kwargs = {"code_options": CodeOptions(), "actor": actor}
    status = 200
    if request.method == "POST":
        formset = formset_class(request.POST, queryset=queryset, form_kwargs=form_kwargs, prefix=kind)
        seen_version = _posted_version(request)
        if formset.is_valid():
            try:
                _save_rows(actor, cadre, formset, seen_version)
            except _Rollback:
                status = 400
            except services.StaleRecord:
                messages.error(
                    request,
                    "保存失败：在您编辑期间，该干部的信息已被他人修改。您的修改没有保存，请在下面的最新数据上重新编辑。",
                )
                formset = formset_class(queryset=queryset, form_kwargs=form_kwargs, prefix=kind)
                status = 409
            else:
                messages.success(request, f"已保存{cadre.name}的{spec.title}。")
                return redirect(f"{_detail_url(cadre)}?tab={_tab_for(kind)}")
        else:
            status = 400
    else:
        formset = formset_class(queryset=queryset, form_kwargs=form_kwargs, prefix=kind)
    context = {
        "cadre": cadre,
        "spec": spec,
        "formset": formset,
        "subrecord_kinds": SUBRECORD_KINDS.values(),
    }
    return render(request, "personnel/cadre/subrecords.html", context, status=status)


def _posted_version(request: HttpRequest) -> int:
    """The cadre's version the page was opened at (-1, never current, when
    the form lost it)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else -1


def _save_rows(actor: Any, cadre: Cadre, formset: Any, seen_version: int) -> None:
    """Every row through the services, in one transaction. Each write checks
    the version it expects (StaleRecord when the record moved on) and bumps
    it by one, under the cadre's row lock held to the end: so the first
    write checks the version the page was opened at, each later one the
    version the previous write left."""
    with transaction.atomic():
        expected = seen_version
        failed = False
        for form in formset.forms:
            if not form.instance.pk and not form.has_changed():
                continue
            try:
                if formset.can_delete and formset._should_delete_form(form):
                    if form.instance.pk:
                        services.subrecord_delete(actor=actor, record=form.instance, expected_version=expected)
                        expected += 1
                elif form.has_changed():
                    form.instance.cadre = cadre
                    services.subrecord_save(actor=actor, record=form.instance, expected_version=expected)
                    expected += 1
            except ValidationError as exc:
                _add_errors(form, exc)
                failed = True
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "无权修改该干部的信息")
                failed = True
        if failed:
            raise _Rollback


def _add_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        messages_ = [message for error in errors for message in error.messages]
        form.add_error(name if name in form.fields else None, messages_)


def _detail_url(cadre: Cadre) -> str:
    return reverse("personnel:cadre-detail", kwargs={"cadre_id": cadre.pk})


def _tab_for(kind: str) -> str:
    return SUBRECORD_KINDS[kind].page_tab
