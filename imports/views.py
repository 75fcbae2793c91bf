"""Browser pages of roster imports and exports: the list of imports with
the upload form, one import's progress and preview, its commit, and the
roster export (direct for short lists, a background job with progress for
long ones)."""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.access import scope_of
from accounts.views import browser_login_required
from core.xlsx import XLSX_CONTENT_TYPE
from imports import services
from imports.commit import committed_before
from imports.exports import export_roster, fields_for_list, roster_filename, template_bytes
from imports.lrmx_import import UploadRefused
from imports.marked import marked_workbook
from imports.models import ExportJob, ExportStatus, ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.selectors import export_for_actor, job_for_actor, jobs_visible_to
from personnel.access import require_cadre_scope
from personnel.exports import content_disposition
from personnel.models import Unit
from personnel.selectors import cadre_list_visible_to, list_params

logger = logging.getLogger(__name__)

PREVIEW_PAGE = 50


def xlsx_response(data: bytes, filename: str, fallback: str) -> HttpResponse:
    """A workbook made in memory as a download (browser and API alike)."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@browser_login_required
def template_download(request: HttpRequest) -> HttpResponse:
    require_cadre_scope(request.user)
    return xlsx_response(template_bytes(), "干部花名册导入模板.xlsx", "roster-template.xlsx")


@never_cache
@browser_login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Past imports and the upload form."""
    require_cadre_scope(request.user)
    units = services.import_units_for(request.user)
    if request.method == "POST":
        return _upload(request, units)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    jobs = Paginator(jobs_visible_to(request.user).defer("columns", "ignored_columns"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "imports/import_list.html",
        {
            "page": jobs,
            "units": units,
            "max_mb": services.upload_limit(ImportKind.ROSTER) // 1024 // 1024,
            "max_forms_mb": services.upload_limit(ImportKind.LRMX) // 1024 // 1024,
        },
    )


def _upload(request: HttpRequest, units: list[Unit]) -> HttpResponse:
    """An Excel roster (.xlsx) or 干部任免审批表 files (.lrmx; .lrm with an
    optional .pic; a .zip of many): the kind is decided from the file."""
    if not units:
        raise PermissionDenied("您的账号没有导入花名册的权限")
    upload = request.FILES.get("file")
    pic = request.FILES.get("pic")
    unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), units[0] if len(units) == 1 else None)
    if upload is None:
        messages.error(request, "请选择要导入的文件（Excel 花名册或干部任免审批表）")
        return HttpResponseRedirect(reverse("imports:import-list"))
    if unit is None:
        messages.error(request, "请选择导入到哪个单位")
        return HttpResponseRedirect(reverse("imports:import-list"))
    try:
        job = services.import_upload_file(
            actor=request.user,  # type: ignore[arg-type]
            unit=unit,
            upload=upload,
            filename=upload.name or "",
            pic=pic,
        )
    except UploadRefused as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("imports:import-list"))
    return HttpResponseRedirect(reverse("imports:import-detail", args=[job.pk]))


@never_cache
@require_safe
@browser_login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_actor(request.user, job_id)
    status = request.GET.get("rows", "")
    if status not in RowStatus.values:
        status = RowStatus.INVALID if job.count_invalid else RowStatus.CHANGED if job.count_changed else RowStatus.NEW
    rows = ImportRow.objects.filter(job=job, status=status).order_by("row_number")
    page = Paginator(rows, PREVIEW_PAGE).get_page(request.GET.get("page"))
    tabs = [
        (RowStatus.INVALID, "有错误", job.count_invalid),
        (RowStatus.CHANGED, "变更", job.count_changed),
        (RowStatus.NEW, "新增", job.count_new),
        (RowStatus.UNCHANGED, "无变化", job.count_unchanged),
    ]
    return render(
        request,
        "imports/import_detail.html",
        {
            "job": job,
            "tabs": tabs,
            "rows_status": status,
            "page": page,
            "running": job.status in _IMPORT_RUNNING,
            "earlier": committed_before(job) if job.status == ImportStatus.VALIDATED else None,
            "may_act": request.user.pk == job.uploaded_by_id or scope_of(request.user).can_write_path(job.unit.path),
        },
    )


@never_cache
@require_safe
@browser_login_required
def import_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = job_for_actor(request.user, job_id)
    return _progress(job, final=job.status not in _IMPORT_RUNNING)


_IMPORT_RUNNING = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


def _progress(job: ImportJob | ExportJob, *, final: bool) -> JsonResponse:
    """What static/js/progress.js polls for: where a background job stands."""
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "percent": job.progress_percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "final": final,
        }
    )


def _act(request: HttpRequest, job_id: int, action: Any, done: str) -> HttpResponse:
    """Confirm or cancel, then back to the job with what happened."""
    job = job_for_actor(request.user, job_id)
    try:
        action(actor=request.user, job=job)
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, done)
    return HttpResponseRedirect(reverse("imports:import-detail", args=[job.pk]))


@require_POST
@browser_login_required
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    return _act(request, job_id, services.import_commit, "已确认，正在导入…")


@require_POST
@browser_login_required
def import_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    return _act(request, job_id, services.import_cancel, "已取消本次导入，系统中的数据未作任何修改")


@require_safe
@browser_login_required
def import_marked(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_actor(request.user, job_id)
    if not job.count_invalid or not job.sheet_name:
        messages.info(request, "该文件没有需要标注的错误")
        return HttpResponseRedirect(reverse("imports:import-detail", args=[job.pk]))
    stem = job.filename.rsplit(".", 1)[0]
    return xlsx_response(marked_workbook(job), f"{stem}_错误标注.xlsx", "marked.xlsx")


# --- roster export ----------------------------------------------------------------------------


@require_safe
@browser_login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    """The current list (same parameters as the cadre list) in the roster
    template's format. Short lists are written at once; longer ones by a
    worker, with a progress page and a download link."""
    scope = require_cadre_scope(request.user)
    params = list_params(request.GET)
    cadre_filter, queryset = cadre_list_visible_to(actor=request.user, params=params)
    if cadre_filter.errors:
        messages.error(request, "筛选条件有误，未导出")
        return HttpResponseRedirect(f"{reverse('personnel:cadre-list')}?{request.GET.urlencode()}")
    fields = fields_for_list(request.GET.getlist("fields"), request.GET.getlist("cols"))
    limit = settings.CADRE_EXPORT_SYNC_ROWS
    count = queryset.order_by()[: limit + 1].count()
    filename = roster_filename()
    if count > limit:
        query = params.copy()
        query.pop("fields", None)
        job = services.export_request(
            actor=request.user,  # type: ignore[arg-type]
            query=query.urlencode(),
            columns=[f.key for f in fields],
            filename=filename,
        )
        return HttpResponseRedirect(reverse("imports:export-detail", args=[job.pk]))
    output = BytesIO()
    export_roster(output, queryset, fields, scope)
    logger.info("roster export by user %s: %d rows, parameters %s", request.user.pk, count, params.urlencode())
    return xlsx_response(output.getvalue(), filename, "roster.xlsx")


@never_cache
@require_safe
@browser_login_required
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    job = export_for_actor(request.user, export_id)
    return render(request, "imports/export_detail.html", {"job": job, "running": job.status in _RUNNING})


_RUNNING = (ExportStatus.PENDING, ExportStatus.RUNNING)


@never_cache
@require_safe
@browser_login_required
def export_status(request: HttpRequest, export_id: int) -> JsonResponse:
    job = export_for_actor(request.user, export_id)
    return _progress(job, final=job.status not in _RUNNING)


@require_safe
@browser_login_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    job = export_for_actor(request.user, export_id)
    if job.status != ExportStatus.DONE:
        messages.info(request, "文件尚未生成")
        return HttpResponseRedirect(reverse("imports:export-detail", args=[job.pk]))
    data = ExportJob.objects.filter(pk=job.pk).values_list("data", flat=True).get()
    return xlsx_response(bytes(data or b""), job.filename, "roster.xlsx")
