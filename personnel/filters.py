"""The one filter for cadre lists, shared by the browser list, the REST API
and exports (django-filter). Each filter is a plain predicate over indexed
columns; the numbers a filter needs (retirement schedules) come from policy.
"""

from __future__ import annotations

import datetime
import re
from functools import reduce
from operator import or_
from typing import Any

import django_filters as filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Reverse
from django.utils import timezone

from personnel import rules
from personnel.codes import CPC_CODES
from personnel.models import (
    Cadre,
    CadreStatus,
    Code,
    CodeTable,
    Education,
    EducationKind,
    IdentityCategory,
    RetirementCategory,
    Sex,
    Unit,
)
from personnel.policy import retirement_policy

ID_FRAGMENT = re.compile(r"^[0-9]{4,17}[0-9Xx]?$")
LETTERS = re.compile(r"^[A-Za-z]+$")
# Bounds of the numeric parameters. Beyond them a value means nothing for a
# cadre (an age of 500) and would overflow the date arithmetic or the
# database integer, so it is a form error in Chinese, never a server error.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
MAX_AGE = 150
MAX_YEARS = 100
MAX_RETIREMENT_MONTHS = 240
MAX_DB_ID = 2**63 - 1


class MultiValueInput(forms.TextInput):
    """Reads a list parameter given either repeatedly (the browser's
    checkboxes: ``?post_level=1A41&post_level=1A42``) or once with commas
    (the API's ``?post_level=1A41,1A42``)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist is not None else data.get(name)
        if not isinstance(values, list | tuple):
            return values
        joined = ",".join(str(v) for v in values if v not in ("", None))
        return joined or None


class IntegerFilter(filters.NumberFilter):  # type: ignore[misc]
    """A whole number within bounds."""

    field_class = forms.IntegerField


def _int_filter(low: int, high: int, **kwargs: Any) -> IntegerFilter:
    return IntegerFilter(min_value=low, max_value=high, **kwargs)


def _codes_filter(**kwargs: Any) -> filters.CharFilter:
    return filters.CharFilter(widget=MultiValueInput, max_length=500, **kwargs)


def years_before(when: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (29 Feb → 28 Feb)."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


def search_q(text: str) -> Q:
    """The search box: a name, full pinyin or pinyin initials (张三 by ``zs``
    or ``zhangsan``), an ID number or its last digits, or a unit name."""
    text = "".join(text.split())
    if not text:
        return Q()
    if ID_FRAGMENT.match(text) and not LETTERS.match(text):
        number = text.upper()
        if len(number) == 18:
            return Q(id_number=number)
        # Last digits: a prefix match on the reversed number uses its index.
        return Q(id_number_reversed__startswith=number[::-1])
    if LETTERS.match(text):
        return Q(name_initials__startswith=text.upper()) | Q(name_pinyin__startswith=text.lower())
    unit_ids = list(Unit.objects.filter(name__contains=text).values_list("pk", flat=True)[:200])
    query = Q(name__startswith=text)
    if unit_ids:
        query |= Q(unit_id__in=unit_ids)
    return query


def retirement_window_q(start: datetime.date, end: datetime.date) -> Q:
    """Cadres whose statutory retirement month falls in [start, end]
    (months). The retirement month grows with the birth month, so for each
    schedule (sex, category, personal base age) the window is a range of
    birth months, found once from the rule itself."""
    branches: list[Q] = []
    bases = [
        None,
        *sorted(
            {
                int(c)
                for c in Code.objects.filter(table=CodeTable.AGE_LIMIT).values_list("code", flat=True)
                if c.isdigit()
            }
        ),
    ]
    schedules = [
        (RetirementCategory.MALE, Q(sex=Sex.MALE) & Q(retirement_category__in=["", RetirementCategory.MALE])),
        (
            RetirementCategory.FEMALE_CADRE,
            Q(sex=Sex.FEMALE) & Q(retirement_category__in=["", RetirementCategory.FEMALE_CADRE]),
        ),
        (RetirementCategory.FEMALE_WORKER, Q(retirement_category=RetirementCategory.FEMALE_WORKER)),
    ]
    first, last = start.replace(day=1), end.replace(day=1)
    for category, who in schedules:
        for base in bases:
            policy = retirement_policy(category, base_age_override=base)
            births = _birth_months_retiring_between(policy, first, last)
            if births is None:
                continue
            age_q = Q(age_limit__isnull=True) if base is None else Q(age_limit__code=str(base))
            low, high = births
            branches.append(who & age_q & Q(birth_date__gte=low, birth_date__lt=rules.add_months(high, 1)))
    return reduce(or_, branches) if branches else Q(pk__in=[])


def _birth_months_retiring_between(
    policy: rules.RetirementPolicy, first: datetime.date, last: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    # Retirement comes base age + at most cap months after birth: scan the
    # birth months that can land in the window.
    earliest = rules.add_months(first, -(policy.base_age_years * 12 + policy.cap_months))
    latest = rules.add_months(last, -policy.base_age_years * 12)
    months = []
    month = earliest
    while month <= latest:
        if first <= rules.statutory_retirement_month(month, policy) <= last:
            months.append(month)
        month = rules.add_months(month, 1)
    return (months[0], months[-1]) if months else None


class CadreFilter(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(method="filter_q", label="搜索", max_length=100)
    unit = _int_filter(1, MAX_DB_ID, method="filter_unit", label="单位（含下级）")
    sex = filters.ChoiceFilter(choices=Sex.choices, label="性别")
    ethnicity = filters.CharFilter(field_name="ethnicity__code", label="民族", max_length=16)
    status = filters.ChoiceFilter(choices=CadreStatus.choices, label="人员状态")
    as_of = filters.DateFilter(
        method="filter_noop",
        label="计算年龄时间",
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )
    age_min = _int_filter(0, MAX_AGE, method="filter_age_min", label="年龄≥")
    age_max = _int_filter(0, MAX_AGE, method="filter_age_max", label="年龄≤")
    birth_year_from = _int_filter(
        EARLIEST_DATE.year, LATEST_DATE.year, field_name="birth_date__year", lookup_expr="gte", label="出生年份起"
    )
    birth_year_to = _int_filter(
        EARLIEST_DATE.year, LATEST_DATE.year, field_name="birth_date__year", lookup_expr="lte", label="出生年份止"
    )
    post_level = _codes_filter(method="filter_post_level", label="职务层次")
    rank = _codes_filter(method="filter_rank", label="职级")
    education = _codes_filter(method="filter_education", label="学历")
    education_full_time = filters.BooleanFilter(method="filter_noop", label="仅全日制学历")
    degree = _codes_filter(method="filter_degree", label="学位")
    party = filters.ChoiceFilter(
        choices=[("cpc", "中共党员"), ("non_cpc", "党外")], method="filter_party", label="政治面貌"
    )
    identity_category = filters.ChoiceFilter(choices=IdentityCategory.choices, label="身份类别")
    generation = filters.ChoiceFilter(
        choices=[("80", "80后"), ("90", "90后")], method="filter_generation", label="80后/90后"
    )
    years_in_post_min = _int_filter(0, MAX_YEARS, method="filter_years_in_post", label="任现职年限≥")
    years_at_level_min = _int_filter(0, MAX_YEARS, method="filter_years_at_level", label="任同级年限≥")
    retiring_within_months = _int_filter(0, MAX_RETIREMENT_MONTHS, method="filter_retiring", label="N个月内退休")
    ordering = filters.OrderingFilter(
        fields=(
            ("name_pinyin", "name"),
            ("birth_date", "birth_date"),
            ("unit__path", "unit"),
            ("post_level__sort_order", "post_level"),
            ("rank__sort_order", "rank"),
            ("current_post_date", "current_post_date"),
            ("post_level_date", "post_level_date"),
            ("id", "id"),
        ),
        label="排序",
    )

    class Meta:
        model = Cadre
        fields: list[str] = []

    def _as_of(self) -> datetime.date:
        value = self.form.cleaned_data.get("as_of") if hasattr(self.form, "cleaned_data") else None
        return value or timezone.localdate()

    def filter_noop(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        return queryset  # read by other filters

    def filter_q(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        if ID_FRAGMENT.match("".join(value.split())):
            queryset = queryset.alias(id_number_reversed=Reverse("id_number"))
        return queryset.filter(search_q(value))

    def filter_unit(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        path = Unit.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(unit__path__startswith=path) if path else queryset.none()

    def filter_age_min(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        return queryset.filter(birth_date__lte=years_before(self._as_of(), int(value)))

    def filter_age_max(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        return queryset.filter(birth_date__gt=years_before(self._as_of(), int(value) + 1))

    @staticmethod
    def _codes(table: CodeTable, values: str) -> list[str]:
        return [v for v in re.split(r"[,，\s]+", values) if v]

    def filter_post_level(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        return queryset.filter(post_level__code__in=self._codes(CodeTable.POST_LEVEL, value))

    def filter_rank(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        return queryset.filter(rank__code__in=self._codes(CodeTable.RANK, value))

    def _with_descendants(self, table: CodeTable, codes: list[str]) -> list[int]:
        ids = set(Code.objects.filter(table=table, code__in=codes).values_list("pk", flat=True))
        frontier = set(ids)
        while frontier:
            frontier = set(Code.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
        return sorted(ids)

    def filter_education(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        ids = self._with_descendants(CodeTable.EDUCATION, self._codes(CodeTable.EDUCATION, value))
        rows = Education.objects.filter(cadre=OuterRef("pk"), education_id__in=ids)
        if self.form.cleaned_data.get("education_full_time"):
            rows = rows.filter(kind=EducationKind.FULL_TIME)
        return queryset.filter(Exists(rows))

    def filter_degree(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        ids = self._with_descendants(CodeTable.DEGREE, self._codes(CodeTable.DEGREE, value))
        rows = Education.objects.filter(cadre=OuterRef("pk"), degree_id__in=ids)
        if self.form.cleaned_data.get("education_full_time"):
            rows = rows.filter(kind=EducationKind.FULL_TIME)
        return queryset.filter(Exists(rows))

    def filter_party(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        cpc = Q(political_status__code__in=CPC_CODES)
        if value == "cpc":
            return queryset.filter(cpc)
        return queryset.filter(political_status__isnull=False).exclude(cpc)

    def filter_generation(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        start = 1900 + int(value)
        return queryset.filter(
            birth_date__gte=datetime.date(start, 1, 1), birth_date__lt=datetime.date(start + 10, 1, 1)
        )

    def filter_years_in_post(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        return queryset.filter(current_post_date__lte=years_before(self._as_of(), int(value)))

    def filter_years_at_level(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        return queryset.filter(post_level_date__lte=years_before(self._as_of(), int(value)))

    def filter_retiring(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        today = self._as_of()
        return queryset.filter(retirement_window_q(today, rules.add_months(today.replace(day=1), int(value))))
