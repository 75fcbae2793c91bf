"""Reads of import and export jobs, scoped through accounts.access: a job
is visible to whoever uploaded it and to those who may import into its
unit (a clerk for their own unit, org staff in their jurisdiction); any
other job is 404, like a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import path_q, scope_of
from imports.models import ExportJob, ImportJob
from personnel import facts

if TYPE_CHECKING:
    from accounts.access import Actor


def jobs_visible_to(actor: Actor) -> QuerySet[ImportJob]:
    scope = scope_of(actor)
    if scope.is_admin or getattr(actor, "pk", None) is None:
        return ImportJob.objects.none()
    mine = Q(uploaded_by_id=actor.pk)  # type: ignore[union-attr]
    if scope.import_paths:
        mine |= path_q(scope.import_paths, "unit__path")
    return ImportJob.objects.filter(mine).select_related("unit", "uploaded_by", "committed_by")


def job_for_actor(actor: Actor, job_id: Any) -> ImportJob:
    try:
        return jobs_visible_to(actor).get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该导入任务") from None


def export_for_actor(actor: Actor, job_id: Any) -> ExportJob:
    """An export job is its requester's alone."""
    if getattr(actor, "pk", None) is None:
        raise Http404("未找到该导出任务")
    try:
        return ExportJob.objects.defer("data").get(pk=job_id, requested_by_id=actor.pk)  # type: ignore[union-attr]
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该导出任务") from None


def roster_educations(cadre_ids: list[int]) -> dict[int, dict[str, facts.ShownEducation]]:
    """The education a roster shows for each cadre and kind (full-time,
    in-service), as personnel.facts defines it for every page and file; its
    ``row_id`` is the entry a roster row edits. Two queries."""
    return facts.educations_for(cadre_ids)
