"""Reads the API needs beyond the shared list selector, each scoped through
accounts.access and each a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import cadres_visible_to, path_q, scope_of, units_visible_to
from accounts.models import Role
from personnel.models import (
    Appraisal,
    Cadre,
    CadreStatus,
    ChangeRequest,
    Code,
    CodeTable,
    Education,
    FamilyMember,
    LeadershipQuota,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
    Unit,
)

if TYPE_CHECKING:
    from accounts.access import Actor

DETAIL_RELATED = ("unit", "ethnicity", "political_status", "health", "tech_title", "post_level", "rank", "age_limit")


def cadre_detail_queryset(actor: Actor | None) -> QuerySet[Cadre]:
    """The actor's cadres with every code and sub-record of the national form
    loaded: eight queries for one cadre, whatever it holds."""
    return (
        cadres_visible_to(actor)
        .select_related(*DETAIL_RELATED)
        .prefetch_related(
            Prefetch("educations", queryset=Education.objects.select_related("education", "degree")),
            Prefetch("resume_entries", queryset=ResumeEntry.objects.all()),
            Prefetch("posts", queryset=PostHeld.objects.select_related("unit", "post_level", "rank")),
            Prefetch("family", queryset=FamilyMember.objects.select_related("relation", "political_status")),
            Prefetch("rewards", queryset=RewardPunishment.objects.all()),
            Prefetch("appraisals", queryset=Appraisal.objects.all()),
        )
    )


def cadre_detail_for(*, actor: Actor | None, cadre_id: Any) -> Cadre:
    try:
        return cadre_detail_queryset(actor).get(pk=cadre_id)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该干部") from None


# --- sub-records ----------------------------------------------------------------------

SUBRECORD_RELATED: dict[type[Any], tuple[str, ...]] = {
    Education: ("education", "degree"),
    ResumeEntry: (),
    PostHeld: ("unit", "post_level", "rank"),
    FamilyMember: ("relation", "political_status"),
    RewardPunishment: (),
    Appraisal: (),
}


def subrecords_of(model: type[Any], cadre: Cadre) -> QuerySet[Any]:
    """One kind of sub-record of a cadre the caller already got through the
    access layer (``cadre_for_actor``)."""
    records: QuerySet[Any] = model._default_manager.filter(cadre=cadre).select_related(*SUBRECORD_RELATED[model])
    return records


def subrecord_of(model: type[Any], cadre: Cadre, record_id: Any) -> Any:
    try:
        return subrecords_of(model, cadre).get(pk=record_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"未找到该{model._meta.verbose_name}记录") from None


# --- units --------------------------------------------------------------------------------


def units_for_list(*, actor: Actor | None, parent: int | None = None, q: str = "") -> QuerySet[Unit]:
    units = units_visible_to(actor).select_related("parent")
    if parent is not None:
        units = units.filter(parent_id=parent)
    if q:
        units = units.filter(name__contains=q)
    return units.order_by("path")


def unit_detail_for(*, actor: Actor | None, unit_id: Any) -> Unit:
    quotas = LeadershipQuota.objects.select_related("post_level").order_by("post_level__sort_order")
    try:
        unit: Unit = (
            units_visible_to(actor)
            .select_related("parent")
            .prefetch_related(Prefetch("quotas", queryset=quotas))
            .get(pk=unit_id)
        )
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该单位") from None
    return unit


@dataclass(frozen=True)
class TeamMember:
    cadre: Cadre
    age: int
    years_in_post: int | None


@dataclass(frozen=True)
class LevelRow:
    """One leadership post level: 职数 (quota) against 实有 (actual)."""

    code: str
    name: str
    quota: int | None
    actual: int

    @property
    def vacancies(self) -> int:
        return max((self.quota or 0) - self.actual, 0)

    @property
    def over(self) -> int:
        return max(self.actual - (self.quota or 0), 0)


@dataclass(frozen=True)
class Leadership:
    unit: Unit
    as_of: datetime.date
    members: list[TeamMember]
    levels: list[LevelRow]

    @property
    def quota_total(self) -> int:
        return sum(level.quota or 0 for level in self.levels)

    @property
    def actual_total(self) -> int:
        return len(self.members)

    @property
    def vacancies_total(self) -> int:
        # Per level: a deputy beyond quota does not fill a vacant principal post.
        return sum(level.vacancies for level in self.levels)

    @property
    def over_total(self) -> int:
        return sum(level.over for level in self.levels)

    @property
    def average_age(self) -> Decimal | None:
        if not self.members:
            return None
        mean = Decimal(sum(member.age for member in self.members)) / len(self.members)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def unit_leadership_for(*, actor: Actor | None, unit: Unit, as_of: datetime.date) -> Leadership:
    """The leadership team (领导班子) of a unit the caller got through the
    access layer: its active cadres at a leadership post level (ZB09 codes
    marked ``leadership``), and per level the quota against the actual
    number. Three queries."""
    levels = [
        code
        for code in Code.objects.filter(table=CodeTable.POST_LEVEL).order_by("sort_order")
        if code.attrs.get("leadership")
    ]
    level_ids = [level.pk for level in levels]
    quotas = dict(LeadershipQuota.objects.filter(unit=unit).values_list("post_level_id", "count"))
    cadres = (
        cadres_visible_to(actor)
        .filter(unit=unit, status=CadreStatus.ACTIVE, post_level_id__in=level_ids)
        .select_related("post_level", "rank")
        .order_by("post_level__sort_order", "current_post_date", "id")
    )
    members = [TeamMember(cadre=c, age=c.age_at(as_of), years_in_post=c.years_in_post(as_of)) for c in cadres]
    actual: dict[int, int] = defaultdict(int)
    for member in members:
        actual[member.cadre.post_level_id or 0] += 1
    rows = [
        LevelRow(code=level.code, name=level.name, quota=quotas.get(level.pk), actual=actual.get(level.pk, 0))
        for level in levels
        if level.pk in quotas or actual.get(level.pk)
    ]
    return Leadership(unit=unit, as_of=as_of, members=members, levels=rows)


# --- code tables ---------------------------------------------------------------------------


def codes_for_list(*, table: str | None, q: str | None) -> QuerySet[Code]:
    """Code-table entries (not scoped: the national code tables are public
    reference data), by table and by the start of the code, name or pinyin
    initials."""
    codes = Code.objects.select_related("parent").order_by("table", "sort_order", "id")
    if table:
        codes = codes.filter(table=table)
    if q:
        codes = codes.filter(Q(code__startswith=q) | Q(name__startswith=q) | Q(pinyin__startswith=q.upper()))
    return codes


# --- change requests --------------------------------------------------------------------


def change_requests_visible_to(actor: Actor | None) -> QuerySet[ChangeRequest]:
    """A clerk sees the requests they made; org staff (and the read-only
    roles) those about cadres in their scope; the admin roles none."""
    scope = scope_of(actor)
    in_scope = path_q(scope.read_paths, "cadre__unit__path")
    if scope.has_role(Role.ORG_STAFF, Role.LEADER, Role.API_CLIENT):
        wanted = in_scope
    elif scope.has_role(Role.UNIT_CLERK):
        wanted = in_scope & Q(requested_by=actor)
    else:
        wanted = Q(pk__in=[])
    return ChangeRequest.objects.filter(wanted).select_related("cadre__unit", "requested_by", "decided_by")


def change_request_for(*, actor: Actor | None, request_id: Any) -> ChangeRequest:
    try:
        return change_requests_visible_to(actor).get(pk=request_id)
    except (ChangeRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该变更申请") from None
