"""Serializers of the API: one for input and one for output wherever the two
differ. Input serializers only validate shapes and choose related rows
within the actor's scope; every rule of the record (ID-number checks,
uniqueness, the change-request rules) is the services', so the API and the
browser can't disagree. Codes travel as their code-table codes ("01" for 汉族),
each with a read-only ``<field>_name`` beside it on output.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import QuerySet
from rest_framework import serializers

from personnel import facts
from personnel.access import cadres_visible_to, scope_queryset, units_visible_to
from personnel.models import (
    Cadre,
    CadreStatus,
    ChangeRequest,
    Code,
    CodeTable,
    IdentityCategory,
    LeadershipQuota,
    Sex,
    Unit,
)
from personnel.services import requestable_fields
from personnel.subrecords import KINDS as SUBRECORD_KIND_LIST
from personnel.subrecords import SubrecordKind


def _actor(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """A related row by id, chosen among the rows the requesting actor may
    use (``rows(actor)``): anything else is "does not exist", whether it
    exists or not. ``queryset`` only tells the schema the model."""

    def __init__(self, *, rows: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.rows = rows
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.rows(_actor(self))


def _writable_units(actor: Any) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.all(), actor, path_field="path", write=True)


def _visible_cadres(actor: Any) -> QuerySet[Cadre]:
    return cadres_visible_to(actor).select_related("unit")


class CodeInputField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A code of one code table, given by its code ("01")."""

    def __init__(self, table: CodeTable, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", f"{table.label}（{table.value}）代码")
        super().__init__(slug_field="code", queryset=Code.objects.filter(table=table), **kwargs)


def code_output(table: CodeTable) -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    return serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=f"{table.label}（{table.value}）代码"
    )


def code_name(field: str) -> serializers.CharField:
    """The name of the code in ``field`` (null when there is none)."""
    return serializers.CharField(source=f"{field}.name", read_only=True, allow_null=True)


# --- cadres: the list --------------------------------------------------------------------

# The list is rendered straight from ``values_list`` rows of the shared
# selector's queryset (no model instances, no per-field serializer calls):
# at 50 rows a page that is most of the difference to a hand-written view.
# CadreListItemSerializer documents the same shape for the schema; a test
# keeps the two in step.
LIST_COLUMNS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "unit_id",
    "unit__name",
    "ethnicity__code",
    "ethnicity__name",
    "political_status__code",
    "political_status__name",
    "current_post",
    "current_post_date",
    "post_level__code",
    "post_level__name",
    "rank__code",
    "rank__name",
    "identity_category",
    "status",
    "version",
)
_SEX = dict(Sex.choices)
_IDENTITY = dict(IdentityCategory.choices)
_STATUS = dict(CadreStatus.choices)


def _iso(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def cadre_list_rows(rows: Iterable[tuple[Any, ...]], *, as_of: datetime.date) -> list[dict[str, Any]]:
    """The list's JSON objects from ``values_list(*LIST_COLUMNS)`` rows."""
    age_at = facts.age_at
    return [
        {
            "id": pk,
            "name": name,
            "sex": sex,
            "sex_display": _SEX.get(sex, ""),
            "birth_date": birth.isoformat(),
            "age": age_at(birth, as_of),
            "unit": unit_id,
            "unit_name": unit_name,
            "ethnicity": eth,
            "ethnicity_name": eth_name,
            "political_status": pol,
            "political_status_name": pol_name,
            "current_post": post,
            "current_post_date": _iso(post_date),
            "post_level": level,
            "post_level_name": level_name,
            "rank": rank,
            "rank_name": rank_name,
            "identity_category": identity,
            "identity_category_display": _IDENTITY.get(identity, ""),
            "status": status,
            "status_display": _STATUS.get(status, ""),
            "version": version,
        }
        for (
            pk,
            name,
            sex,
            birth,
            unit_id,
            unit_name,
            eth,
            eth_name,
            pol,
            pol_name,
            post,
            post_date,
            level,
            level_name,
            rank,
            rank_name,
            identity,
            status,
            version,
        ) in rows
    ]


class CadreListItemSerializer(serializers.Serializer[Any]):
    """One row of the cadre list (the shape of ``cadre_list_rows``)."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="姓名")
    sex = serializers.ChoiceField(choices=Sex.choices, help_text="性别（GB22611）")
    sex_display = serializers.CharField()
    birth_date = serializers.DateField(help_text="出生年月")
    age = serializers.IntegerField(help_text="年龄（周岁，按 as_of 参数或今天计算）")
    unit = serializers.IntegerField(help_text="所在单位 id")
    unit_name = serializers.CharField()
    ethnicity = serializers.CharField(allow_null=True, help_text="民族（GB3304）代码")
    ethnicity_name = serializers.CharField(allow_null=True)
    political_status = serializers.CharField(allow_null=True, help_text="政治面貌（GB4762）代码")
    political_status_name = serializers.CharField(allow_null=True)
    current_post = serializers.CharField(help_text="现任职务")
    current_post_date = serializers.DateField(allow_null=True, help_text="任现职时间")
    post_level = serializers.CharField(allow_null=True, help_text="职务层次（ZB09）代码")
    post_level_name = serializers.CharField(allow_null=True)
    rank = serializers.CharField(allow_null=True, help_text="职级代码")
    rank_name = serializers.CharField(allow_null=True)
    identity_category = serializers.ChoiceField(choices=IdentityCategory.choices)
    identity_category_display = serializers.CharField()
    status = serializers.ChoiceField(choices=CadreStatus.choices)
    status_display = serializers.CharField()
    version = serializers.IntegerField(help_text="版本号（即该干部的 ETag）")


# --- cadres: one record ------------------------------------------------------------------

CADRE_INPUT_FIELDS = ["unit", *requestable_fields()]


class CadreInputSerializer(serializers.ModelSerializer[Cadre]):
    """What a client sends to create or change a cadre. ``unit`` must be a
    unit the actor may write to."""

    unit = ScopedRelatedField(rows=_writable_units, queryset=Unit.objects.none(), help_text="所在单位 id")
    ethnicity = CodeInputField(CodeTable.ETHNICITY)
    political_status = CodeInputField(CodeTable.POLITICAL)
    health = CodeInputField(CodeTable.HEALTH)
    tech_title = CodeInputField(CodeTable.TECH_TITLE)
    post_level = CodeInputField(CodeTable.POST_LEVEL)
    rank = CodeInputField(CodeTable.RANK)
    age_limit = CodeInputField(CodeTable.AGE_LIMIT)

    class Meta:
        model = Cadre
        fields = CADRE_INPUT_FIELDS
        # Uniqueness and the ID-number rules are checked by the service on
        # the normalized number; a check here would see it unnormalized.
        extra_kwargs: dict[str, Any] = {"id_number": {"validators": []}}


class CadreChangesSerializer(CadreInputSerializer):
    """The fields a unit clerk may propose to change (no placement)."""

    class Meta(CadreInputSerializer.Meta):
        fields = requestable_fields()


# --- sub-records: one serializer per declared kind (personnel.subrecords) ------------------


def _subrecord_serializer(kind: SubrecordKind) -> type[serializers.ModelSerializer[Any]]:
    """The API form of one kind of sub-record, from its declared fields: a
    code is given and shown by its code, with its name beside it
    (``…_name``); a choice is shown with its label (``…_display``); a unit
    is one of the units the actor may use, by id."""
    declared: dict[str, Any] = {}
    names = ["id"]
    for name in kind.api_field_names:
        field = kind.model._meta.get_field(name)
        names.append(name)
        if isinstance(field, models.ForeignKey) and field.related_model is Code:
            table = CodeTable(field.remote_field.limit_choices_to["table"])  # type: ignore[index]
            declared[name] = CodeInputField(table)
            declared[f"{name}_name"] = code_name(name)
            names.append(f"{name}_name")
        elif isinstance(field, models.ForeignKey) and field.related_model is Unit:
            declared[name] = ScopedRelatedField(
                rows=units_visible_to,
                queryset=Unit.objects.none(),
                required=False,
                allow_null=True,
                help_text=f"{field.verbose_name} id（本系统内、您权限内的单位）",
            )
        elif getattr(field, "choices", None):
            declared[f"{name}_display"] = serializers.CharField(source=f"get_{name}_display", read_only=True)
            names.append(f"{name}_display")
    declared["Meta"] = type("Meta", (), {"model": kind.model, "fields": names})
    # Named after the model, as the schema's components were before.
    return type(f"{kind.model.__name__}Serializer", (serializers.ModelSerializer,), declared)


SUBRECORD_SERIALIZERS: dict[str, type[serializers.ModelSerializer[Any]]] = {
    kind.slug: _subrecord_serializer(kind) for kind in SUBRECORD_KIND_LIST
}


class CadreDetailSerializer(serializers.ModelSerializer[Cadre]):
    """A cadre with every section of the national form and the computed
    values (at today's date)."""

    ethnicity = code_output(CodeTable.ETHNICITY)
    ethnicity_name = code_name("ethnicity")
    political_status = code_output(CodeTable.POLITICAL)
    political_status_name = code_name("political_status")
    health = code_output(CodeTable.HEALTH)
    health_name = code_name("health")
    tech_title = code_output(CodeTable.TECH_TITLE)
    tech_title_name = code_name("tech_title")
    post_level = code_output(CodeTable.POST_LEVEL)
    post_level_name = code_name("post_level")
    rank = code_output(CodeTable.RANK)
    rank_name = code_name("rank")
    age_limit = code_output(CodeTable.AGE_LIMIT)
    age_limit_name = code_name("age_limit")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    sex_display = serializers.CharField(source="get_sex_display", read_only=True)
    identity_category_display = serializers.CharField(source="get_identity_category_display", read_only=True)
    management_category_display = serializers.CharField(source="get_management_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    age = serializers.IntegerField(source="age_at", read_only=True, help_text="年龄（周岁）")
    has_photo = serializers.BooleanField(read_only=True, help_text="是否有照片")
    years_in_post = serializers.IntegerField(read_only=True, allow_null=True, help_text="任现职年限")
    years_at_level = serializers.IntegerField(read_only=True, allow_null=True, help_text="任同级职务年限")
    generation = serializers.CharField(read_only=True, help_text="80后 / 90后 等")
    retirement_month = serializers.DateField(read_only=True, help_text="法定退休年月（按 2025 年改革方案）")
    educations = SUBRECORD_SERIALIZERS["education"](many=True, read_only=True)
    resume_entries = SUBRECORD_SERIALIZERS["resume"](many=True, read_only=True)
    posts = SUBRECORD_SERIALIZERS["posts"](many=True, read_only=True)
    family = SUBRECORD_SERIALIZERS["family"](many=True, read_only=True)
    rewards = SUBRECORD_SERIALIZERS["rewards"](many=True, read_only=True)
    appraisals = SUBRECORD_SERIALIZERS["appraisals"](many=True, read_only=True)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "version",
            "name",
            "name_pinyin",
            "name_initials",
            "sex",
            "sex_display",
            "birth_date",
            "age",
            "generation",
            "has_photo",
            "ethnicity",
            "ethnicity_name",
            "native_place",
            "native_place_code",
            "birthplace",
            "birthplace_code",
            "political_status",
            "political_status_name",
            "party_join_date",
            "work_start_date",
            "health",
            "health_name",
            "health_text",
            "tech_title",
            "tech_title_name",
            "tech_title_text",
            "expertise",
            "id_number",
            "identity_category",
            "identity_category_display",
            "management_category",
            "management_category_display",
            "status",
            "status_display",
            "unit",
            "unit_name",
            "current_post",
            "current_post_date",
            "years_in_post",
            "post_level",
            "post_level_name",
            "post_level_date",
            "years_at_level",
            "rank",
            "rank_name",
            "rank_date",
            "retirement_category",
            "age_limit",
            "age_limit_name",
            "retirement_month",
            "rewards_text",
            "note",
            "created_at",
            "updated_at",
            "educations",
            "resume_entries",
            "posts",
            "family",
            "rewards",
            "appraisals",
        ]
        read_only_fields = fields


# --- units --------------------------------------------------------------------------------


class UnitListSerializer(serializers.ModelSerializer[Unit]):
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "parent",
            "parent_name",
            "path",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "region_code",
            "sort_order",
            "is_active",
        ]
        read_only_fields = fields


class QuotaSerializer(serializers.ModelSerializer[LeadershipQuota]):
    post_level = code_output(CodeTable.POST_LEVEL)
    post_level_name = code_name("post_level")

    class Meta:
        model = LeadershipQuota
        fields = ["post_level", "post_level_name", "count", "note"]
        read_only_fields = fields


class UnitDetailSerializer(UnitListSerializer):
    quotas = QuotaSerializer(many=True, read_only=True)

    class Meta(UnitListSerializer.Meta):
        fields = [*UnitListSerializer.Meta.fields, "quotas"]
        read_only_fields = fields


class LeadershipMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="cadre.id")
    name = serializers.CharField(source="cadre.name")
    sex = serializers.CharField(source="cadre.sex")
    sex_display = serializers.CharField(source="cadre.get_sex_display")
    birth_date = serializers.DateField(source="cadre.birth_date")
    age = serializers.IntegerField()
    current_post = serializers.CharField(source="cadre.current_post")
    current_post_date = serializers.DateField(source="cadre.current_post_date", allow_null=True)
    years_in_post = serializers.IntegerField(allow_null=True)
    post_level = serializers.CharField(source="cadre.post_level.code")
    post_level_name = serializers.CharField(source="cadre.post_level.name")
    rank = serializers.CharField(source="cadre.rank.code", allow_null=True)
    rank_name = serializers.CharField(source="cadre.rank.name", allow_null=True)


class LeadershipLevelSerializer(serializers.Serializer[Any]):
    post_level = serializers.CharField(source="code", help_text="职务层次（ZB09）代码")
    post_level_name = serializers.CharField(source="name")
    quota = serializers.IntegerField(allow_null=True, help_text="职数；未核定时为 null")
    actual = serializers.IntegerField(help_text="实有人数")
    vacancies = serializers.IntegerField(help_text="空缺")
    over = serializers.IntegerField(help_text="超职数配备")


class SubUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    total_cadres = serializers.IntegerField(help_text="含下级单位的在职干部数")
    has_children = serializers.BooleanField()


class LeadershipSerializer(serializers.Serializer[Any]):
    """A unit's leadership team (unit_selectors.UnitPage, as the unit page shows it)."""

    unit = serializers.IntegerField(source="unit.id")
    unit_name = serializers.CharField(source="unit.name")
    as_of = serializers.DateField(help_text="计算年龄的日期")
    members = LeadershipMemberSerializer(many=True)
    levels = LeadershipLevelSerializer(many=True)
    quota_set = serializers.BooleanField(help_text="是否已核定职数")
    quota_total = serializers.IntegerField()
    actual_total = serializers.SerializerMethodField(help_text="班子成员人数")
    vacancies_total = serializers.IntegerField()
    over_total = serializers.IntegerField()
    average_age = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False)
    women = serializers.IntegerField(help_text="女干部")
    non_cpc = serializers.IntegerField(help_text="党外干部")
    minorities = serializers.IntegerField(help_text="少数民族干部")
    own_cadres = serializers.IntegerField(help_text="本单位在职干部数")
    total_cadres = serializers.IntegerField(help_text="含下级单位的在职干部数")
    subunits = SubUnitSerializer(many=True, help_text="直属下级单位")

    def get_actual_total(self, page: Any) -> int:
        return len(page.members)


class LeadershipQuerySerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField(required=False, help_text="计算年龄的日期，默认今天")


class UnitQuerySerializer(serializers.Serializer[Any]):
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text="只列出该单位的直属下级"
    )
    q = serializers.CharField(required=False, max_length=100, help_text="单位名称包含")


# --- code tables ----------------------------------------------------------------------------


class CodeSerializer(serializers.ModelSerializer[Code]):
    # "parent" is also Field's attribute for the enclosing serializer; DRF
    # moves declared fields off the class, the type checker can't know.
    parent = serializers.SlugRelatedField(  # type: ignore[assignment,var-annotated]
        slug_field="code", read_only=True, help_text="上级代码"
    )
    table_name = serializers.CharField(source="get_table_display", read_only=True)

    class Meta:
        model = Code
        fields = ["id", "table", "table_name", "code", "name", "pinyin", "parent", "sort_order", "attrs", "is_active"]
        read_only_fields = fields


class CodeQuerySerializer(serializers.Serializer[Any]):
    table = serializers.ChoiceField(choices=CodeTable.choices, required=False, help_text="代码表")
    q = serializers.CharField(required=False, max_length=40, help_text="代码、名称或拼音首字母开头")


class CodeTableSerializer(serializers.Serializer[Any]):
    table = serializers.CharField()
    name = serializers.CharField()


# --- change requests ----------------------------------------------------------------------------


class ChangeRequestSerializer(serializers.ModelSerializer[ChangeRequest]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.__str__", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.__str__", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    changes = serializers.SerializerMethodField(help_text="拟修改的字段及新值，格式同干部修改接口（代码为代码值）")
    original = serializers.SerializerMethodField(help_text="申请时这些字段的原值")
    labels = serializers.SerializerMethodField(help_text="变更字段的中文名称")

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "requested_by",
            "requested_by_name",
            "status",
            "status_display",
            "changes",
            "original",
            "labels",
            "base_version",
            "note",
            "created_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    def _api_form(self, values: dict[str, Any]) -> dict[str, Any]:
        # The service stores codes by row id; the API speaks code values
        # ("01"), looked up once per response (``code_values_for``).
        codes: dict[int, str] = self.context.get("code_values", {})
        return {name: codes.get(value, value) if name in CADRE_CODE_FIELDS else value for name, value in values.items()}

    def get_changes(self, obj: ChangeRequest) -> dict[str, Any]:
        return self._api_form(obj.changes)

    def get_original(self, obj: ChangeRequest) -> dict[str, Any]:
        return self._api_form(obj.original)

    def get_labels(self, obj: ChangeRequest) -> dict[str, str]:
        return {name: str(getattr(Cadre._meta.get_field(name), "verbose_name", name)) for name in obj.changes}


# The cadre's fields that hold a code-table row.
CADRE_CODE_FIELDS = frozenset(
    field.name for field in Cadre._meta.concrete_fields if field.is_relation and field.related_model is Code
)


def code_values_for(requests: Iterable[ChangeRequest]) -> dict[int, str]:
    """The code value of every code row the requests mention: one query."""
    ids = {
        value
        for request in requests
        for values in (request.changes, request.original)
        for name, value in values.items()
        if name in CADRE_CODE_FIELDS and isinstance(value, int)
    }
    return dict(Code.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


class ChangeRequestInputSerializer(serializers.Serializer[Any]):
    """A clerk's proposal: ``changes`` holds the fields to change in the same
    form as a cadre update (codes by code, dates as YYYY-MM-DD)."""

    cadre = ScopedRelatedField(rows=_visible_cadres, queryset=Cadre.objects.none(), help_text="干部 id")
    changes = serializers.DictField(help_text="要修改的字段及新值，格式同干部修改接口")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="变更说明")

    def validate_changes(self, value: dict[str, Any]) -> dict[str, Any]:
        allowed = set(requestable_fields())
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise serializers.ValidationError({name: ["该项不能通过变更申请修改"] for name in unknown})
        if not value:
            raise serializers.ValidationError("没有需要变更的内容")
        fields = CadreChangesSerializer(data=value, partial=True, context=self.context)
        fields.is_valid(raise_exception=True)
        return {name: _to_json(fields.validated_data.get(name)) for name in value}


def _to_json(value: Any) -> Any:
    """A validated value as the JSON the change-request service stores:
    related rows by id, dates as ISO strings."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class RejectInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, help_text="驳回理由（申请人会看到）")


# --- tokens -----------------------------------------------------------------------------------------


class TokenInputSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )


class TokenOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>")
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
