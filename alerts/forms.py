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
from alerts.selectors import STATE_FILTERS, AlertFilters
from core.checks import policy_spec, policy_to_params, rule_choices


class AlertFilterForm(forms.Form):
    rule = forms.ChoiceField(label="规则", required=False, choices=lambda: [("", "全部规则"), *rule_choices()])
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


class PolicyForm(forms.Form):
    effective_from = forms.DateField(label="生效日期", help_text="检查基准日在此日期及以后时适用本版本")
    note = forms.CharField(label="依据或说明", required=False, max_length=300)

    def __init__(self, *args: Any, key: str, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        spec = policy_spec(key)
        defaults = spec.cls()
        for f in dataclasses.fields(defaults):
            default = getattr(defaults, f.name)
            value = current.get(f.name, policy_to_params(defaults)[f.name])
            label = spec.param_labels.get(f.name, f.name)
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
