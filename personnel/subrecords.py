"""The kinds of sub-record a cadre has, each declared once.

A declaration says what a kind is (its model and the cadre's related name),
what people call it, which fields org staff edit and the API carries, and
which tab of the cadre page shows it. Everything else is derived from it:
the edit page's formset (``personnel.forms.subrecord_formset``), its route
(``personnel.urls_records``), the API's serializer, viewset and route
(``personnel.api``: code fields get a ``…_name``, choice fields a
``…_display``), the related rows read with each kind, the cadre page's
prefetches and its edit links. Rows are listed in the model's
``Meta.ordering``. Adding a kind is its model plus one entry in ``KINDS``
(see the README, "Adding a sub-record kind").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from personnel.models import Appraisal, Cadre, Education, FamilyMember, PostHeld, ResumeEntry, RewardPunishment


@dataclass(frozen=True)
class SubrecordKind:
    slug: str  # the edit page's URL segment and route name (cadre-edit-<slug>)
    title: str  # what the pages call it
    model: type[models.Model]
    related_name: str  # cadre.<related_name>
    form_fields: tuple[str, ...]  # the edit page's columns, in order
    api_path: str  # /api/v1/cadres/<id>/<api_path>/
    api_fields: tuple[str, ...] = ()  # what the API carries besides id; the form's fields when empty
    api_title: str = ""  # the API documentation's name for it, when not the title
    tab: str = ""  # the cadre page's tab that shows it; the slug when empty
    hint: str = ""  # the edit page's help line

    @property
    def api_field_names(self) -> tuple[str, ...]:
        return self.api_fields or self.form_fields

    @property
    def api_label(self) -> str:
        return self.api_title or self.title

    @property
    def page_tab(self) -> str:
        return self.tab or self.slug

    @property
    def basename(self) -> str:
        """The API router's basename: the lower-case model name."""
        return self.model._meta.model_name or self.model.__name__.lower()

    @property
    def related(self) -> tuple[str, ...]:
        """The foreign keys (other than the cadre) read with each row."""
        names = dict.fromkeys((*self.form_fields, *self.api_field_names))
        return tuple(
            name
            for name in names
            if isinstance(field := self.model._meta.get_field(name), models.ForeignKey)
            and field.related_model is not Cadre
        )


KINDS: tuple[SubrecordKind, ...] = (
    SubrecordKind(
        "education",
        "学历学位",
        Education,
        "educations",
        ("kind", "education", "degree", "school", "major", "start_date", "end_date", "is_highest", "sort_order"),
        api_path="educations",
        tab="basic",
        hint="表中“最高学历”所在行显示在任免审批表的全日制教育、在职教育栏。",
    ),
    SubrecordKind(
        "resume",
        "简历",
        ResumeEntry,
        "resume_entries",
        ("start_date", "end_date", "content", "note", "sort_order"),
        api_path="resume-entries",
        hint="每行一段经历；最后一段截止年月留空表示至今；“其间”填写同期的学习、挂职等情况。",
    ),
    SubrecordKind(
        "family",
        "家庭主要成员及重要社会关系",
        FamilyMember,
        "family",
        (
            "relation",
            "relation_text",
            "name",
            "birth_date",
            "political_status",
            "work_unit_and_post",
            "id_number",
            "is_deceased",
            "is_social_relation",
            "sort_order",
        ),
        api_path="family-members",
        api_title="家庭成员及社会关系",
        hint="已去世的成员勾选“已去世”，工作单位及职务可填写“已去世”。",
    ),
    SubrecordKind(
        "posts",
        "任职记录",
        PostHeld,
        "posts",
        (
            "unit",
            "unit_name",
            "title",
            "post_level",
            "rank",
            "is_leadership",
            "is_primary",
            "start_date",
            "end_date",
            "appointment_method",
            "document_no",
        ),
        api_path="posts",
        api_fields=(
            "unit",
            "unit_name",
            "title",
            "post_level",
            "rank",
            "is_leadership",
            "is_primary",
            "start_date",
            "end_date",
            "appointment_method",
            "document_no",
            "sort_order",
        ),
        hint="免职时间留空表示现任。",
    ),
    SubrecordKind(
        "rewards",
        "奖惩记录",
        RewardPunishment,
        "rewards",
        ("kind", "title", "date", "issuer", "description"),
        api_path="rewards-punishments",
    ),
    SubrecordKind(
        "appraisals",
        "年度考核",
        Appraisal,
        "appraisals",
        ("year", "grade", "note"),
        api_path="appraisals",
        tab="rewards",
        hint="每年一条；等次为优秀、称职、基本称职、不称职或不定等次。",
    ),
)

BY_SLUG: dict[str, SubrecordKind] = {kind.slug: kind for kind in KINDS}
BY_MODEL: dict[type[models.Model], SubrecordKind] = {kind.model: kind for kind in KINDS}
