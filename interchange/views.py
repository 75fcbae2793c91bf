"""Browser pages of the national form: the printed 干部任免审批表 (one cadre,
or a selection in one document), its .docx, and LRMX downloads (one
cadre's .lrmx, a selection's .zip).

Every read is scoped: a cadre out of the actor's scope is 404, like a
missing one; a selection is the list's own scoped filter or ids checked
against the scope (see interchange.selection). Exports are logged, like the
Excel export, because bulk exports of personal data are for the audit trail.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.views import browser_login_required
from interchange.docx_form import form_docx
from interchange.exports import DOCX_TYPE, LRMX_TYPE, ZIP_TYPE, file_stem, lrmx_zip
from interchange.form import FormSheet, form_sheet
from interchange.from_cadre import record_from_cadre, records_from_cadres
from interchange.lrmx import write_lrmx
from interchange.parsed import ParsedRecord
from interchange.selection import SelectionError, selected_cadres
from personnel.access import cadre_for_actor, require_cadre_scope
from personnel.exports import content_disposition

logger = logging.getLogger(__name__)


def download(body: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    # Personal data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def log_export(request: HttpRequest, what: str, count: int) -> None:
    logger.info("%s by user %s: %d cadres, parameters %s", what, request.user.pk, count, request.GET.urlencode())


def _back_to_list(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    query = request.GET.copy()
    query.pop("ids", None)
    return HttpResponseRedirect(f"{reverse('personnel:cadre-list')}?{query.urlencode()}")


def _forms(pairs: list[tuple[Any, ParsedRecord]]) -> list[dict[str, Any]]:
    return [{"cadre": cadre, "sheet": form_sheet(record)} for cadre, record in pairs]


@require_safe
@browser_login_required
def cadre_form(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """The printed form of one cadre: an A4 page and its continuation page."""
    cadre = cadre_for_actor(request.user, cadre_id)
    record = record_from_cadre(cadre)
    context = {
        "forms": [{"cadre": cadre, "sheet": form_sheet(record)}],
        "title": f"{cadre.name} 干部任免审批表",
        "back_url": reverse("personnel:cadre-detail", args=[cadre.pk]),
        "docx_url": reverse("personnel:cadre-form-docx", args=[cadre.pk]),
    }
    return render(request, "interchange/form_print.html", context)


@require_safe
@never_cache
@browser_login_required
def batch_form(request: HttpRequest) -> HttpResponse:
    """The printed forms of a selection in one document, a page break between cadres."""
    require_cadre_scope(request.user)
    try:
        queryset = selected_cadres(actor=request.user, params=request.GET)
    except SelectionError as exc:
        return _back_to_list(request, str(exc))
    pairs = list(records_from_cadres(queryset))
    log_export(request, "form print", len(pairs))
    context = {
        "forms": _forms(pairs),
        "title": f"干部任免审批表（{len(pairs)}人）",
        "back_url": f"{reverse('personnel:cadre-list')}",
        "docx_url": f"{reverse('personnel:batch-form-docx')}?{request.GET.urlencode()}",
    }
    return render(request, "interchange/form_print.html", context)


def _docx_for(pairs: list[tuple[Any, ParsedRecord]]) -> bytes:
    sheets: list[tuple[FormSheet, bytes | None]] = [(form_sheet(record), record.photo) for _c, record in pairs]
    return form_docx(sheets)


@require_safe
@browser_login_required
def cadre_form_docx(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = cadre_for_actor(request.user, cadre_id)
    record = record_from_cadre(cadre)
    log_export(request, "form docx", 1)
    return download(
        _docx_for([(cadre, record)]), DOCX_TYPE, f"{file_stem(record)}_干部任免审批表.docx", f"cadre_{cadre.pk}.docx"
    )


@require_safe
@never_cache
@browser_login_required
def batch_form_docx(request: HttpRequest) -> HttpResponse:
    require_cadre_scope(request.user)
    try:
        queryset = selected_cadres(actor=request.user, params=request.GET)
    except SelectionError as exc:
        return _back_to_list(request, str(exc))
    pairs = list(records_from_cadres(queryset))
    log_export(request, "form docx", len(pairs))
    today = timezone.localdate()
    return download(
        _docx_for(pairs), DOCX_TYPE, f"干部任免审批表_{today:%Y%m%d}.docx", f"appointment_forms_{today:%Y%m%d}.docx"
    )


@require_safe
@browser_login_required
def cadre_lrmx(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = cadre_for_actor(request.user, cadre_id)
    record = record_from_cadre(cadre)
    log_export(request, "lrmx export", 1)
    return download(write_lrmx(record), LRMX_TYPE, f"{file_stem(record)}.lrmx", f"cadre_{cadre.pk}.lrmx")


@require_safe
@never_cache
@browser_login_required
def batch_lrmx(request: HttpRequest) -> HttpResponse:
    require_cadre_scope(request.user)
    try:
        queryset = selected_cadres(actor=request.user, params=request.GET)
    except SelectionError as exc:
        return _back_to_list(request, str(exc))
    body, count = lrmx_zip(queryset)
    log_export(request, "lrmx export", count)
    today = timezone.localdate()
    return download(body, ZIP_TYPE, f"干部任免审批表_{today:%Y%m%d}.zip", f"lrmx_{today:%Y%m%d}.zip")
