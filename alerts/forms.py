"""Forms of the alert centre: the list's filters (shared with the export
and the API), the actions on an alert, and a policy version's parameters
(fields built from the policy dataclass, so a new parameter needs no new
form)."""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from django import forms

from accounts.models import User
from alerts.models import RULE_CHOICES
from alerts.rules import POLICY_CLASSES, PolicyKey, policy_to_params
from alerts.selectors import STATE_FILTERS, AlertFilters


class AlertFilterForm(forms.Form):
    rule = forms.ChoiceField(label="规则", required=False, choices=[("", "全部规则"), *RULE_CHOICES])
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    state = forms.ChoiceField(label="状态", required=False, choices=list(STATE_FILTERS.items()))
    due_after = forms.DateField(label="到期日从", required=False)
    due_before = forms.DateField(label="到期日至", required=False)
    mine = forms.BooleanField(label="只看交办给我的", required=False)

    def filters(self) -> AlertFilters:
        """The filters of a valid form; an untouched form lists the alerts
        still to work on."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state", "") if "state" in self.data else "active"
        return AlertFilters(
            rule=data.get("rule") or "",
            unit_id=data.get("unit"),
            state=state or "",
            due_before=data.get("due_before"),
            due_after=data.get("due_after"),
            assigned_to_me=bool(data.get("mine")),
        )


class NoteForm(forms.Form):
    note = forms.CharField(label="处理意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    note = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="承办人", queryset=User.objects.none(), empty_label="请选择"
    )
    note = forms.CharField(label="交办说明", required=False, max_length=500)

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]


LIST_SPLIT = re.compile(r"[\n,，、;；\s]+")
# Parameters whose items may contain separators (regular expressions): one per line.
LINE_LISTS = {"post_patterns"}

PARAM_LABELS = {
    "deputy_should_rotate_years": "副职任同一职务满（年）应交流",
    "must_rotate_years": "任同一职务满（年）必须交流",
    "term_years": "每届任期（年）",
    "max_consecutive_terms": "同一职务最多连任（届）",
    "term_notice_months": "任期届满前预警（月）",
    "level_max_years": "同一层级累计不超过（年）",
    "leadership_levels": "领导职务层次（ZB09 代码）",
    "deputy_levels": "副职职务层次（ZB09 代码）",
    "post_levels": "适用职务层次（ZB09 代码）",
    "male_born_before": "男性：在此日期前出生的退出",
    "female_born_before": "女性：在此日期前出生的退出",
    "within_months": "提前预警（月）",
    "spouse_codes": "夫妻关系（GB4761 代码）",
    "lineal_codes": "直系血亲（GB4761 代码）",
    "collateral_codes": "三代以内旁系血亲（GB4761 代码）",
    "in_law_codes": "近姻亲（GB4761 代码）",
    "sensitive_post_words": "组织人事、纪检监察、审计、财务岗位的职务关键词",
    "post_patterns": "不得在籍贯地担任的职务（正则表达式，每行一个）",
    "admonishment": "诫勉（月）",
    "gov_warning": "政务处分·警告（月）",
    "gov_demerit": "政务处分·记过（月）",
    "gov_major_demerit": "政务处分·记大过（月）",
    "gov_demotion": "政务处分·降级（月）",
    "gov_dismissal": "政务处分·撤职（月）",
    "party_warning": "党纪处分·警告（月）",
    "party_serious_warning": "党纪处分·严重警告（月）",
    "probation_months": "试用期（月）",
    "notice_days": "届满前预警（天）",
    "levels": "试用期人员职务层次（ZB09 代码）",
}


class PolicyForm(forms.Form):
    effective_from = forms.DateField(label="生效日期", help_text="检查基准日在此日期及以后时适用本版本")
    note = forms.CharField(label="依据或说明", required=False, max_length=300)

    def __init__(self, *args: Any, key: PolicyKey, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        defaults = POLICY_CLASSES[key]()
        for f in dataclasses.fields(defaults):
            default = getattr(defaults, f.name)
            value = current.get(f.name, policy_to_params(defaults)[f.name])
            label = PARAM_LABELS.get(f.name, f.name)
            field: forms.Field
            if isinstance(default, bool):
                field = forms.BooleanField(label=label, required=False, initial=value)
            elif isinstance(default, int):
                field = forms.IntegerField(label=label, min_value=0, max_value=1200, initial=value)
            elif isinstance(default, datetime.date):
                field = forms.DateField(label=label, initial=value)
            else:
                separator = "\n" if f.name in LINE_LISTS else "、"
                field = forms.CharField(
                    label=label,
                    required=False,
                    initial=separator.join(value),
                    widget=forms.Textarea(attrs={"rows": 3 if f.name in LINE_LISTS else 2}),
                )
            self.fields[f.name] = field
        self.param_names = [f.name for f in dataclasses.fields(defaults)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.param_names:
            value = cleaned.get(name)
            if isinstance(self.fields[name], forms.CharField):
                text = value or ""
                items = (
                    [line.strip() for line in text.splitlines() if line.strip()]
                    if name in LINE_LISTS
                    else [item for item in LIST_SPLIT.split(text) if item]
                )
                if name in LINE_LISTS:
                    for item in items:
                        try:
                            re.compile(item)
                        except re.error as exc:
                            self.add_error(name, f"正则表达式“{item}”有误：{exc}")
                cleaned[name] = items
        return cleaned

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name in self.param_names:
            value = self.cleaned_data[name]
            params[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return params
