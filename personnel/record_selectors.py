"""Reads for a cadre's own pages (the record sheet, its history, the edit
conflict view) and for the change-request pages. Every read is scoped to the
actor through ``accounts.access``: an object outside the actor's scope is
"not found", exactly like a missing one."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from accounts.access import path_q, scope_of
from accounts.models import Role, RoleAssignment, User
from personnel import facts, rules
from personnel.access import cadres_visible_to
from personnel.facts import ResumeLine
from personnel.models import (
    Appraisal,
    Cadre,
    ChangeRequest,
    ChangeRequestStatus,
    Education,
    EducationKind,
    FamilyMember,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardKind,
    RewardPunishment,
)
from personnel.subrecords import KINDS as SUBRECORD_KINDS

if TYPE_CHECKING:
    from accounts.access import Actor

EMPTY = "（空）"

# --- the record sheet ---------------------------------------------------------------

SHEET_RELATED = (
    "unit",
    "ethnicity",
    "political_status",
    "health",
    "tech_title",
    "post_level",
    "rank",
    "age_limit",
)


def _sheet_queryset(actor: Actor, *, write: bool = False) -> QuerySet[Cadre]:
    return (
        cadres_visible_to(actor, write=write)
        .select_related(*SHEET_RELATED)
        .annotate(has_photo=Exists(Photo.objects.filter(cadre=OuterRef("pk"))))
        .prefetch_related(
            # Every declared kind of sub-record, with the rows it shows.
            *(
                Prefetch(kind.related_name, queryset=kind.model._default_manager.select_related(*kind.related))
                for kind in SUBRECORD_KINDS
            ),
        )
    )


def cadre_sheet_for(*, actor: Actor, cadre_id: Any) -> Cadre:
    """The cadre with every sub-record of the national form loaded (a fixed
    number of queries), or Http404 when the actor may not see it."""
    try:
        return _sheet_queryset(actor).get(pk=cadre_id)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该干部") from None


def cadre_photo_for(*, actor: Actor, cadre_id: Any) -> Photo | None:
    """The cadre's photo (None when there is none); Http404 when the actor
    may not see the cadre."""
    visible = cadres_visible_to(actor).filter(pk=cadre_id) if str(cadre_id).isdigit() else Cadre.objects.none()
    cadre_pk = visible.values_list("pk", flat=True).first()
    if cadre_pk is None:
        raise Http404("未找到该干部")
    return Photo.objects.filter(cadre_id=cadre_pk).first()


def month_text(value: datetime.date | None) -> str:
    """A year-month the way the national form writes it (``1985.03``); a date
    with a real day keeps it (``1985.03.12``)."""
    if value is None:
        return ""
    if value.day == 1:
        return f"{value:%Y.%m}"
    return f"{value:%Y.%m.%d}"


@dataclass(frozen=True)
class EducationCell:
    """One row of the form's 学历学位 block (全日制教育 or 在职教育)."""

    label: str
    degree_text: str  # 学历 and 学位, one per line
    school_text: str  # 毕业院校系及专业 (the 学位's on a second line when it differs)


def education_rows(educations: Iterable[Education]) -> list[facts.EducationRow]:
    """Loaded education entries (with their codes) as the plain rows of
    personnel.facts."""
    return [
        facts.EducationRow(
            kind=e.kind,
            education=e.education.name if e.education is not None else "",
            level=e.education.sort_order if e.education is not None else None,
            degree=e.degree.name if e.degree is not None else "",
            school=e.school,
            major=e.major,
            is_highest=e.is_highest,
            sort_order=e.sort_order,
            id=e.pk,
            education_id=e.education_id,
            degree_id=e.degree_id,
        )
        for e in educations
    ]


def _education_cells(educations: Sequence[Education]) -> list[EducationCell]:
    shown = facts.shown_educations(education_rows(educations))
    cells: list[EducationCell] = []
    for kind in (EducationKind.FULL_TIME, EducationKind.IN_SERVICE):
        cell = shown.get(kind.value)
        if cell is None:
            cells.append(EducationCell(label=str(kind.label), degree_text="", school_text=""))
            continue
        degree = "\n".join(part for part in (cell.education, cell.degree) if part)
        school = "\n".join(part for part in (cell.school, cell.degree_school) if part)
        cells.append(EducationCell(label=str(kind.label), degree_text=degree, school_text=school))
    return cells


def appraisal_text(appraisals: Iterable[Appraisal]) -> str:
    """年度考核结果 in the usual wording: ``2022年度考核称职；2023年度考核优秀``."""
    ordered = sorted(appraisals, key=lambda a: a.year)
    return "；".join(f"{a.year}年度考核{a.get_grade_display()}" for a in ordered)


def rewards_text(cadre: Cadre, rewards: Iterable[RewardPunishment]) -> str:
    """奖惩情况: the record's own text when it has one, else the reward and
    punishment rows, else 无."""
    if cadre.rewards_text.strip():
        return cadre.rewards_text.strip()
    parts = []
    for row in sorted(rewards, key=lambda r: r.date or datetime.date.min):
        when = f"{row.date:%Y.%m}" if row.date else ""
        issuer = f"被{row.issuer}" if row.issuer and row.kind == RewardKind.PUNISHMENT else row.issuer
        parts.append(f"{when}{issuer}{row.title}".strip())
    return "；".join(parts) or "无"


@dataclass(frozen=True)
class CadreFacts:
    """The computed values people look at constantly (DOMAIN.md 3, 6.1)."""

    today: datetime.date
    reference: datetime.date
    age_now: int
    age_at_reference: int
    years_in_post: int | None
    years_at_level: int | None
    years_of_service: int | None
    generation: str
    retirement_month: datetime.date
    months_to_retirement: int


def cadre_facts(cadre: Cadre, *, reference: datetime.date | None = None) -> CadreFacts:
    today = timezone.localdate()
    ref = reference or today
    retirement = cadre.retirement_month()
    return CadreFacts(
        today=today,
        reference=ref,
        age_now=facts.age_at(cadre.birth_date, today),
        age_at_reference=facts.age_at(cadre.birth_date, ref),
        years_in_post=facts.years_in_post(cadre.current_post_date, today),
        years_at_level=facts.years_since(cadre.post_level_date, today),
        years_of_service=facts.years_since(cadre.work_start_date, today),
        generation=cadre.generation,
        retirement_month=retirement,
        months_to_retirement=rules.months_until(retirement, today),
    )


@dataclass(frozen=True)
class CadreSheet:
    """What the cadre page shows, built from one loaded cadre."""

    cadre: Cadre
    facts: CadreFacts
    education_cells: list[EducationCell]
    resume: list[ResumeEntry]
    resume_lines: list[ResumeLine]
    family: list[tuple[FamilyMember, int | None]]
    rewards: str
    appraisals: str
    current_posts: list[PostHeld]
    past_posts: list[PostHeld]
    current_post_text: str
    party_text: str


def _party_text(cadre: Cadre) -> str:
    status = cadre.political_status
    return facts.party_join(
        join_date=cadre.party_join_date,
        status_code=status.code if status is not None else None,
        status_name=status.name if status is not None else None,
    ).text()


def _family_age(member: FamilyMember, reference: datetime.date | None) -> int | None:
    if member.birth_date is None or member.is_deceased:
        return None
    return facts.age_at(member.birth_date, reference or timezone.localdate())


def cadre_sheet(cadre: Cadre, *, reference: datetime.date | None = None) -> CadreSheet:
    posts = list(cadre.posts.all())
    current = [p for p in posts if p.end_date is None]
    held = ((p.unit_name or str(p.unit or ""), p.title) for p in current)
    resume = list(cadre.resume_entries.all())
    return CadreSheet(
        cadre=cadre,
        facts=cadre_facts(cadre, reference=reference),
        education_cells=_education_cells(list(cadre.educations.all())),
        resume=resume,
        resume_lines=[
            facts.resume_line(start_date=e.start_date, end_date=e.end_date, content=e.content, note=e.note)
            for e in resume
        ],
        family=[(m, _family_age(m, reference)) for m in cadre.family.all()],
        rewards=rewards_text(cadre, cadre.rewards.all()),
        appraisals=appraisal_text(cadre.appraisals.all()),
        current_posts=current,
        past_posts=[p for p in posts if p.end_date is not None],
        current_post_text=facts.current_post_text(cadre.current_post, held),
        party_text=_party_text(cadre),
    )


# --- showing field values (history, change requests, edit conflicts) --------------------


class ValueFormatter:
    """Turns stored (JSON) field values into what a person reads: codes and
    units by name, dates as ``yyyy.mm``, choices by label. Related names are
    looked up in one query per related model for a whole page of values:
    call ``want`` for every value first, then ``resolve`` once."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self._names: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, fld: models.Field[Any, Any], value: Any) -> None:
        related = fld.related_model
        if fld.is_relation and isinstance(related, type) and value not in (None, ""):
            self._wanted[related].add(value)

    def resolve(self) -> None:
        for model, ids in self._wanted.items():
            if model is Cadre:
                continue  # the cadre itself, never shown
            self._names[model] = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        self._wanted.clear()

    def show(self, fld: models.Field[Any, Any], value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if fld.is_relation:
            related = fld.related_model
            names = self._names.get(related, {}) if isinstance(related, type) else {}
            return names.get(value, f"（编号{value}）")
        if isinstance(fld, models.BooleanField):
            return "是" if value else "否"
        if fld.choices:
            return str(dict(fld.flatchoices).get(value, value))
        if isinstance(fld, models.DateTimeField):
            try:
                moment = datetime.datetime.fromisoformat(str(value))
            except ValueError:
                return str(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment:%Y-%m-%d %H:%M}"
        if isinstance(fld, models.DateField):
            try:
                return month_text(datetime.date.fromisoformat(str(value)[:10]))
            except ValueError:
                return str(value)
        return str(value)


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A concrete field of ``model`` by name (not a reverse relation)."""
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return found


def json_value(obj: Any, fld: models.Field[Any, Any]) -> Any:
    """A field's value as JSON (dates as ISO strings, relations by id) on a
    model instance or on a history event row with the same fields."""
    if fld.is_relation:
        return getattr(obj, fld.attname)
    value = getattr(obj, fld.attname)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- history (django-pghistory) -----------------------------------------------------------

# The cadre and its sub-records; change requests have their own pages.
HISTORY_MODELS: tuple[type[models.Model], ...] = (
    Cadre,
    Education,
    ResumeEntry,
    PostHeld,
    FamilyMember,
    RewardPunishment,
    Appraisal,
    Photo,
)
# Bookkeeping columns nobody edits: shown never, and an update that touched
# only these (a sub-record save bumps the cadre's version) is no event.
HIDDEN_COLUMNS = frozenset({"id", "cadre_id", "version", "updated_at", "created_at", "name_pinyin", "name_initials"})
_NOISE_COLUMNS = ["version", "updated_at", "name_pinyin", "name_initials"]
HISTORY_PAGE_SIZE = 20
_ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
_SUMMARY_COLUMNS = ("title", "content", "name", "school", "year")


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    action: str
    record: str  # 干部信息, 学历学位, 简历 …
    summary: str
    user: str
    url: str
    change_request_id: int | None
    changes: list[HistoryChange] = field(default_factory=list)


def _event_models() -> list[type[models.Model]]:
    return [model.pgh_event_model for model in HISTORY_MODELS]  # type: ignore[attr-defined]


def _events(cadre: Cadre) -> QuerySet[Any]:
    """The history events of the cadre and its sub-records, newest first,
    without the version-only updates a sub-record save leaves on the cadre."""
    from pghistory.models import Events

    noise = RawSQL(
        "CASE WHEN pgh_label = 'update' AND pgh_model <> %s "
        "THEN COALESCE(pgh_diff, '{}'::jsonb) - %s::text[] = '{}'::jsonb ELSE false END",
        (Photo.pgh_event_model._meta.label, _NOISE_COLUMNS),  # type: ignore[attr-defined]
        output_field=models.BooleanField(),
    )
    events: QuerySet[Any] = (
        Events.objects.references(cadre)  # type: ignore[no-untyped-call]
        .across(*_event_models())
        .annotate(is_noise=noise)
        .filter(is_noise=False)
        .order_by("-pgh_created_at", "-pgh_id", "pgh_model")
    )
    return events


def cadre_history_page(*, cadre: Cadre, page_number: Any, per_page: int = HISTORY_PAGE_SIZE) -> Page[Any]:
    """One page of who changed what and when across the cadre and its
    sub-records, newest first, field by field. ``cadre`` must come from a
    scoped read. A fixed number of queries whatever the page size: the
    count, the page, and one lookup each for users, codes and units."""
    paginator = Paginator(_events(cadre), per_page)
    page = paginator.get_page(page_number)
    page.object_list = _history_entries(list(page.object_list))
    return page


def _history_entries(events: list[Any]) -> list[HistoryEntry]:
    formatter = ValueFormatter()
    user_ids: set[int] = set()
    prepared: list[tuple[Any, type[models.Model], list[tuple[models.Field[Any, Any], Any, Any]]]] = []
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        columns = {f.column: f for f in model._meta.concrete_fields}
        rows: list[tuple[models.Field[Any, Any], Any, Any]] = []
        if event.pgh_label == "update":
            diff = event.pgh_diff or {}
            for column, fld in columns.items():
                if column in diff and column not in HIDDEN_COLUMNS:
                    old, new = diff[column]
                    rows.append((fld, old, new))
        else:
            data = event.pgh_data or {}
            for column, fld in columns.items():
                value = data.get(column)
                if column in HIDDEN_COLUMNS or value in (None, "", False):
                    continue
                rows.append((fld, None, value) if event.pgh_label == "insert" else (fld, value, None))
        for fld, old, new in rows:
            formatter.want(fld, old)
            formatter.want(fld, new)
        context = event.pgh_context or {}
        if isinstance(context.get("user"), int):
            user_ids.add(context["user"])
        prepared.append((event, model, rows))
    formatter.resolve()
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}

    entries: list[HistoryEntry] = []
    for event, model, rows in prepared:
        context = event.pgh_context or {}
        user_id = context.get("user")
        user = users.get(user_id) if isinstance(user_id, int) else None
        request_id = context.get("change_request")
        data = event.pgh_data or {}
        summary = ""
        if model is not Cadre:
            summary = next((str(data[c]) for c in _SUMMARY_COLUMNS if data.get(c) not in (None, "")), "")
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=_ACTIONS.get(event.pgh_label, event.pgh_label),
                record="基本信息" if model is Cadre else str(model._meta.verbose_name),
                summary=summary,
                user=user or context.get("username") or "系统",
                url=str(context.get("url") or ""),
                change_request_id=request_id if isinstance(request_id, int) else None,
                changes=[
                    HistoryChange(
                        label=str(fld.verbose_name),
                        old=formatter.show(fld, old) if old is not None else "",
                        new=formatter.show(fld, new) if new is not None else "",
                    )
                    for fld, old, new in rows
                ],
            )
        )
    return entries


def cadre_snapshot_at(*, cadre: Cadre, version: int) -> Any | None:
    """The cadre's history row as it was at ``version`` (what an editor saw
    when they opened the form), or None when the history has no such row."""
    event_model = Cadre.pgh_event_model  # type: ignore[attr-defined]
    return event_model.objects.filter(pgh_obj_id=cadre.pk, version=version).order_by("-pgh_id").first()


def cadre_events_since(*, cadre: Cadre, version: int, limit: int = 50) -> list[HistoryEntry]:
    """What was changed on the record and its sub-records after an editor
    opened it at ``version``. Every service write bumps the version inside
    its history context, so the contexts of the cadre's history rows with a
    later version are exactly the writes since; their events are listed."""
    event_model = Cadre.pgh_event_model  # type: ignore[attr-defined]
    contexts = set(
        event_model.objects.filter(pgh_obj_id=cadre.pk, version__gt=version, pgh_context_id__isnull=False).values_list(
            "pgh_context_id", flat=True
        )
    )
    if not contexts:
        return []
    return _history_entries(list(_events(cadre).filter(pgh_context_id__in=contexts)[:limit]))


# --- change requests ------------------------------------------------------------------------


def change_requests_visible_to(*, actor: Actor) -> QuerySet[ChangeRequest]:
    """A clerk's own requests (for cadres still in their scope) and every
    request about a cadre the actor may change (org staff review those)."""
    scope = scope_of(actor)
    user_pk = getattr(actor, "pk", None)
    own = Q(requested_by_id=user_pk) & path_q(scope.read_paths, "cadre__unit__path") if user_pk else Q(pk__in=[])
    reviewable = path_q(scope.write_paths, "cadre__unit__path")
    return ChangeRequest.objects.filter(own | reviewable).select_related("cadre__unit", "requested_by", "decided_by")


def change_request_list(*, actor: Actor, status: str = "") -> QuerySet[ChangeRequest]:
    qs = change_requests_visible_to(actor=actor)
    if status in ChangeRequestStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def change_request_counts(*, actor: Actor) -> dict[str, int]:
    rows = change_requests_visible_to(actor=actor).order_by().values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ChangeRequestStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def change_request_for(*, actor: Actor, request_id: Any) -> ChangeRequest:
    try:
        return change_requests_visible_to(actor=actor).get(pk=request_id)
    except (ChangeRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该变更申请") from None


def can_review(actor: Actor, change_request: ChangeRequest) -> bool:
    return scope_of(actor).can_write_path(change_request.cadre.unit.path)


def pending_requests_for(*, actor: Actor, cadre: Cadre) -> list[ChangeRequest]:
    return list(
        change_requests_visible_to(actor=actor)
        .filter(cadre=cadre, status=ChangeRequestStatus.PENDING)
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    original: str
    proposed: str
    current: str
    moved_on: bool  # the record changed this field since the request was made


def change_request_rows(change_request: ChangeRequest) -> list[FieldDiff]:
    """The request field by field: what the clerk saw, what they propose, and
    the record's value now when it has moved on."""
    cadre = change_request.cadre
    formatter = ValueFormatter()
    names = [f.name for f in Cadre._meta.concrete_fields if f.name in change_request.changes]
    fields = {name: model_field(Cadre, name) for name in names}
    values: dict[str, tuple[Any, Any, Any]] = {}
    for name in names:
        fld = fields[name]
        original = change_request.original.get(name)
        proposed = change_request.changes[name]
        current = json_value(cadre, fld)
        values[name] = (original, proposed, current)
        for value in values[name]:
            formatter.want(fld, value)
    formatter.resolve()
    rows = []
    for name in names:
        fld = fields[name]
        original, proposed, current = values[name]
        rows.append(
            FieldDiff(
                name=name,
                label=str(fld.verbose_name),
                original=formatter.show(fld, original),
                proposed=formatter.show(fld, proposed),
                current=formatter.show(fld, current),
                moved_on=change_request.status == ChangeRequestStatus.PENDING and current != original,
            )
        )
    return rows


def change_request_labels(requests: Iterable[ChangeRequest]) -> dict[int, str]:
    """The changed fields of each request by their Chinese names (no query)."""
    labels: dict[int, str] = {}
    for request in requests:
        names = [str(f.verbose_name) for f in Cadre._meta.concrete_fields if f.name in (request.changes or {})]
        labels[request.pk] = "、".join(names)
    return labels


# --- edit conflicts -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    seen: str  # when the editor opened the form
    current: str  # saved by someone else since
    yours: str  # what the editor typed
    clash: bool  # the editor changed this field too, to something else


def edit_conflict_rows(
    *, cadre: Cadre, snapshot: Any | None, names: Sequence[str], yours: dict[str, Any]
) -> list[ConflictRow]:
    """The fields (among ``names``) that someone else changed after the
    editor opened the form at the snapshot, with the editor's own values.
    ``yours`` maps field names to JSON values. Without a snapshot every field
    where the editor's value differs from the record's is listed."""
    formatter = ValueFormatter()
    picked: list[tuple[models.Field[Any, Any], Any, Any, Any]] = []
    for name in names:
        fld = model_field(Cadre, name)
        current = json_value(cadre, fld)
        seen = json_value(snapshot, fld) if snapshot is not None else yours.get(name)
        if seen == current and (snapshot is not None or yours.get(name) == current):
            continue
        picked.append((fld, seen, current, yours.get(name)))
        for value in (seen, current, yours.get(name)):
            formatter.want(fld, value)
    formatter.resolve()
    rows = []
    for fld, seen, current, mine in picked:
        rows.append(
            ConflictRow(
                name=fld.name,
                label=str(fld.verbose_name),
                seen=formatter.show(fld, seen),
                current=formatter.show(fld, current),
                yours=formatter.show(fld, mine),
                clash=mine != seen and mine != current,
            )
        )
    return rows


# --- who may change a record, and how ----------------------------------------------------


def edit_mode_for(*, actor: Actor, cadre: Cadre) -> str | None:
    """How the actor may change a cadre they can see: "direct" (org staff
    whose jurisdiction covers the cadre's unit), "request" (a unit clerk of
    the cadre's unit or a unit above it: a change request), or None."""
    scope = scope_of(actor)
    if scope.can_write_path(cadre.unit.path):
        return "direct"
    user_pk = getattr(actor, "pk", None)
    if scope.has_role(Role.UNIT_CLERK) and user_pk is not None:
        clerk_paths = RoleAssignment.objects.filter(
            user_id=user_pk, role=Role.UNIT_CLERK, unit__isnull=False
        ).values_list("unit__path", flat=True)
        if any(cadre.unit.path.startswith(path) for path in clerk_paths):
            return "request"
    return None
