"""Stored cadres as neutral records (``interchange.parsed.ParsedRecord``),
one or many, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from interchange.parsed import (
    APPRAISAL_KEYS,
    CADRE_KEYS,
    EDUCATION_KEYS,
    FAMILY_KEYS,
    RESUME_KEYS,
    REWARD_KEYS,
    ParsedRecord,
    partial,
)
from personnel import facts
from personnel.models import (
    Appraisal,
    Cadre,
    Education,
    FamilyMember,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
)

CADRE_RELATED = ("unit", "ethnicity", "political_status", "health", "tech_title", "age_limit")


def values_of(obj: Any, keys: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(obj, key)
        out[key] = partial(value) if isinstance(value, datetime.date) else value
    return out


def cadres_with_records(queryset: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """The queryset with everything ``record_from_cadre`` reads, in a fixed
    number of queries whatever the number of cadres."""
    return queryset.select_related(*CADRE_RELATED, "photo").prefetch_related(
        Prefetch("educations", queryset=Education.objects.select_related("education", "degree")),
        Prefetch("resume_entries", queryset=ResumeEntry.objects.order_by("sort_order", "start_date", "id")),
        Prefetch(
            "family",
            queryset=FamilyMember.objects.select_related("relation", "political_status").order_by("sort_order", "id"),
        ),
        Prefetch("appraisals", queryset=Appraisal.objects.order_by("year")),
        Prefetch("rewards", queryset=RewardPunishment.objects.order_by("date", "id")),
        # 现任职务 falls back to the posts held now (personnel.facts.current_post_text).
        Prefetch(
            "posts",
            queryset=PostHeld.objects.filter(end_date__isnull=True).select_related("unit"),
            to_attr="posts_held_now",
        ),
    )


def record_from_loaded(cadre: Cadre) -> ParsedRecord:
    """A cadre loaded through ``cadres_with_records`` as a ParsedRecord."""
    record = ParsedRecord(source=f"cadre:{cadre.pk}", cadre=values_of(cadre, CADRE_KEYS))
    held = getattr(cadre, "posts_held_now", ())
    record.cadre["current_post"] = facts.current_post_text(
        cadre.current_post, ((p.unit_name or str(p.unit or ""), p.title) for p in held)
    )
    record.educations = [values_of(e, EDUCATION_KEYS) for e in cadre.educations.all()]
    record.resume = [values_of(e, RESUME_KEYS) for e in cadre.resume_entries.all()]
    record.family = [values_of(m, FAMILY_KEYS) for m in cadre.family.all()]
    record.appraisals = [values_of(a, APPRAISAL_KEYS) for a in cadre.appraisals.all()]
    record.rewards = [values_of(r, REWARD_KEYS) for r in cadre.rewards.all()]
    try:
        photo = cadre.photo
    except Photo.DoesNotExist:
        photo = None
    if photo is not None:
        record.photo = bytes(photo.data)
        record.photo_content_type = photo.content_type
    return record


def record_from_cadre(cadre: Cadre) -> ParsedRecord:
    """A stored cadre with its sub-records, in eight queries. ``cadre`` must
    come from a scoped read (accounts.access)."""
    return record_from_loaded(cadres_with_records(Cadre.objects.filter(pk=cadre.pk)).get())


def records_from_cadres(queryset: QuerySet[Cadre], *, chunk: int = 200) -> Iterator[tuple[Cadre, ParsedRecord]]:
    """Many cadres (already scoped) as records, read ``chunk`` at a time."""
    ids = list(queryset.values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk):
        part = ids[offset : offset + chunk]
        loaded = {c.pk: c for c in cadres_with_records(Cadre.objects.filter(pk__in=part))}
        for pk in part:
            if pk in loaded:
                yield loaded[pk], record_from_loaded(loaded[pk])
