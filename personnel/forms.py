"""Browser forms of a cadre's record: the main record (edited directly by org
staff, proposed as a change request by a unit clerk) and its sub-records.

The forms only parse and present. Validation of the record as a whole (the
ID number normalized and checked against birth date and sex, constraints) is
the service's: the views turn its ValidationError into field errors.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from personnel.access import scope_queryset
from personnel.models import (
    Cadre,
    Code,
    CodeTable,
    RetirementCategory,
    Unit,
)
from personnel.record_selectors import json_value, model_field, month_text
from personnel.services import name_pinyin, requestable_fields
from personnel.subrecords import BY_SLUG, SubrecordKind

if TYPE_CHECKING:
    from accounts.access import Actor

    CadreModelForm = forms.ModelForm[Cadre]
    AnyModelForm = forms.ModelForm[Any]
else:  # ModelForm is generic only in the type stubs
    CadreModelForm = AnyModelForm = forms.ModelForm

# --- year-month dates ---------------------------------------------------------------

_YEAR_MONTH = (
    re.compile(r"^(\d{4})[.\-/](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
)
_YEAR_MONTH_DAY = (
    re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_year_month(text: str) -> datetime.date:
    """A date typed the ways forms write them (DOMAIN.md 4): ``1985.03``,
    ``1985.3``, ``198503``, ``1985-03``, ``1985/03``, ``1985年3月`` keep month
    precision (the first of the month); ``1985.03.12``, ``19850312``,
    ``1985-03-12``, ``1985年3月12日`` keep the day. Each shape is matched
    explicitly: nothing is guessed."""
    value = "".join(unicodedata.normalize("NFKC", text).split())
    year = month = None
    day = 1
    for pattern in _YEAR_MONTH:
        match = pattern.match(value)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            break
    else:
        for pattern in _YEAR_MONTH_DAY:
            match = pattern.match(value)
            if match:
                year, month, day = (int(part) for part in match.groups())
                break
    if year is None or month is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(value)
    return datetime.date(year, month, day)  # ValueError for month 13, day 31 in April …


class YearMonthInput(forms.TextInput):
    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return month_text(value)
        formatted: str | None = super().format_value(value)
        return formatted


class YearMonthField(forms.Field):
    widget = YearMonthInput
    default_error_messages = {"invalid": "请输入有效的年月，如 1985.03 或 1985.03.12"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "如 1985.03")
        self.widget.attrs.setdefault("class", "input-month")

    def to_python(self, value: Any) -> datetime.date | None:
        if value in EMPTY_VALUES:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_year_month(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- code tables as searchable selects ---------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    code: str = ""
    pinyin: str = ""


class SearchableSelect(forms.Widget):
    """A <select> that static/js/record.js turns into a type-to-search box
    (by name, code or pinyin initials). Rendered by hand, not through the
    per-option templates, because a code table such as ZB01 has thousands of
    entries."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options: list[Option] = []
        # A big table (ZB01, thousands of entries, used by two fields) is
        # sent once as JSON (see shared_option_lists); the <select> then
        # holds only the current option, and record.js offers the rest.
        self.shared_id: str | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        extra = {"name": name, "data-searchable": "1"}
        if self.shared_id:
            extra["data-options"] = self.shared_id
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), **extra})
        current = "" if value in EMPTY_VALUES else str(value)
        parts: list[str] = [
            format_html("<select{}>", flatatt(final_attrs)),
            format_html('<option value=""{}>—— 请选择 ——</option>', mark_safe(" selected") if not current else ""),
        ]
        shown = [o for o in self.options if o.value == current] if self.shared_id else self.options
        for option in shown:
            parts.append(
                format_html(
                    '<option value="{}" data-code="{}" data-pinyin="{}"{}>{}</option>',
                    option.value,
                    option.code,
                    option.pinyin,
                    mark_safe(" selected") if option.value == current else "",
                    option.label,
                )
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


class CodeField(forms.Field):
    """A choice among prepared options; cleans to the looked-up object (a
    Code, a Unit, or a plain code string) without another query."""

    widget = SearchableSelect
    default_error_messages = {"invalid_choice": "请从列表中选择有效的选项"}

    def __init__(self, *, options: Sequence[Option], lookup: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lookup = lookup
        if isinstance(self.widget, SearchableSelect):
            self.widget.options = list(options)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, models.Model):
            return value.pk
        return value

    def to_python(self, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return None
        found = self.lookup.get(str(value))
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def has_changed(self, initial: Any, data: Any) -> bool:
        def key(value: Any) -> str:
            value = self.prepare_value(value)
            return "" if value in EMPTY_VALUES else str(value)

        return key(initial) != key(data)


class CodeOptions:
    """The code tables a page needs, each read once per request however many
    fields (or formset rows) use it."""

    def __init__(self) -> None:
        self._tables: dict[str, list[Code]] = {}

    def codes(self, table: str) -> list[Code]:
        if table not in self._tables:
            self._tables[table] = list(Code.objects.filter(table=table).order_by("sort_order", "code"))
        return self._tables[table]

    def field(
        self, table: str, *, label: str, current: Any = None, by_code: bool = False, shared: bool = False, **kwargs: Any
    ) -> CodeField:
        """A field over one table: values are Code ids (or, with ``by_code``,
        the codes themselves, for the region-code columns). Inactive codes are
        offered only when the record already uses them. With ``shared`` the
        options travel once per page as JSON (see ``shared_option_lists``)."""
        codes = self.codes(table)
        current_key = "" if current in EMPTY_VALUES else str(current)
        options = []
        lookup: dict[str, Any] = {}
        for code in codes:
            key = code.code if by_code else str(code.pk)
            lookup[key] = code.code if by_code else code
            if code.is_active or key == current_key:
                options.append(Option(value=key, label=code.name, code=code.code, pinyin=code.pinyin))
        if by_code and current_key and current_key not in lookup:
            lookup[current_key] = current_key
            options.append(Option(value=current_key, label=f"{current_key}（代码表中没有）", code=current_key))
        field_ = CodeField(options=options, lookup=lookup, label=label, required=False, **kwargs)
        if shared and isinstance(field_.widget, SearchableSelect):
            field_.widget.shared_id = f"codes-{table}"
        return field_


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def shared_option_lists(form: forms.BaseForm) -> SafeString:
    """The shared option lists of a form's searchable selects, each once, as
    ``<script type="application/json">`` elements holding [[value, label,
    pinyin, code if not the value], …]. Like Django's json_script, but the Chinese names stay
    UTF-8 rather than \\u escapes, which would double the size."""
    lists: dict[str, str] = {}
    for field_ in form.fields.values():
        widget = field_.widget
        if isinstance(widget, SearchableSelect) and widget.shared_id and widget.shared_id not in lists:
            rows = [[o.value, o.label, o.pinyin] + ([o.code] if o.code != o.value else []) for o in widget.options]
            text = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
            lists[widget.shared_id] = text
    parts = []
    for key, text in lists.items():
        escaped = mark_safe(text)  # noqa: S308 - escaped for a script element above
        parts.append(format_html('<script id="{}" type="application/json">{}</script>', key, escaped))
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html


def _code_table(model_field: Any) -> str | None:
    limit = getattr(model_field.remote_field, "limit_choices_to", None) if model_field.is_relation else None
    if isinstance(limit, dict) and limit.get("table") and model_field.related_model is Code:
        return str(limit["table"])
    return None


def unit_field(actor: Actor, *, label: str, current: Unit | None, required: bool) -> CodeField:
    """Units the actor may write to, in tree order; the current unit stays
    selectable. Searchable by name and by pinyin initials."""
    units = list(scope_queryset(Unit.objects.all(), actor, path_field="path", write=True).order_by("path"))
    if current is not None and all(u.pk != current.pk for u in units):
        units.append(current)
    options = [Option(value=str(u.pk), label=u.name, pinyin=name_pinyin(u.name)[1]) for u in units]
    return CodeField(options=options, lookup={str(u.pk): u for u in units}, label=label, required=required)


def _model_fields(form: AnyModelForm) -> dict[str, models.Field[Any, Any]]:
    """The form's fields that are the model's concrete fields, by name."""
    model = form._meta.model
    if model is None:
        return {}
    concrete = {f.name: f for f in model._meta.concrete_fields}
    return {name: concrete[name] for name in form.fields if name in concrete}


def _replace_code_fields(form: AnyModelForm, options: CodeOptions) -> None:
    for name, field_ in _model_fields(form).items():
        table = _code_table(field_)
        if table is None:
            continue
        old = form.fields[name]
        form.fields[name] = options.field(
            table,
            label=str(old.label),
            current=getattr(form.instance, f"{name}_id", None),
            help_text=old.help_text,
        )


# --- the cadre record ------------------------------------------------------------------

# The edit page's sections, in the order of the national form.
CADRE_FIELDSETS: list[tuple[str, list[str]]] = [
    (
        "基本情况",
        [
            "name",
            "sex",
            "birth_date",
            "ethnicity",
            "id_number",
            "native_place",
            "native_place_code",
            "birthplace",
            "birthplace_code",
            "health",
            "health_text",
        ],
    ),
    (
        "政治面貌与工作",
        [
            "political_status",
            "party_join_date",
            "work_start_date",
            "identity_category",
            "management_category",
            "status",
        ],
    ),
    ("专业技术职务与专长", ["tech_title", "tech_title_text", "expertise"]),
    (
        "现任职务与职级",
        ["unit", "current_post", "current_post_date", "post_level", "post_level_date", "rank", "rank_date"],
    ),
    ("退休", ["retirement_category", "age_limit"]),
    ("奖惩情况与备注", ["rewards_text", "note"]),
]
CADRE_FIELDS = [name for _, names in CADRE_FIELDSETS for name in names]
YEAR_MONTH_FIELDS = (
    "birth_date",
    "party_join_date",
    "work_start_date",
    "current_post_date",
    "post_level_date",
    "rank_date",
)
WIDE_FIELDS = {"current_post", "expertise", "rewards_text", "note"}


class CadreForm(CadreModelForm):
    """The record's own fields. ``mode`` is "direct" (org staff: saved by
    cadre_update) or "request" (a unit clerk: the changed fields become a
    change request; the unit is not theirs to change). The hidden version is
    what the editor saw, for optimistic concurrency."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Cadre
        fields = CADRE_FIELDS
        widgets = {
            "rewards_text": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, actor: Actor, mode: str = "direct", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode = mode
        if "version" not in self.initial and self.instance.pk:
            self.initial["version"] = self.instance.version
        options = CodeOptions()
        _replace_code_fields(self, options)
        for name in YEAR_MONTH_FIELDS:
            field_ = model_field(Cadre, name)
            self.fields[name] = YearMonthField(label=str(field_.verbose_name), required=not field_.blank)
        for name, label, text in (
            ("native_place_code", "籍贯代码", "native_place"),
            ("birthplace_code", "出生地代码", "birthplace"),
        ):
            self.fields[name] = options.field(
                CodeTable.REGION, label=label, current=getattr(self.instance, name, ""), by_code=True, shared=True
            )
            # record.js fills the text (浙江杭州) from the chosen code when it is empty.
            auto_id = self.auto_id if isinstance(self.auto_id, str) else "id_%s"
            self.fields[name].widget.attrs["data-fills"] = auto_id % text
        if "retirement_category" in self.fields:
            retirement = self.fields["retirement_category"]
            if isinstance(retirement, forms.ChoiceField):
                retirement.choices = [("", "按性别默认（男60周岁、女干部55周岁为原基数）"), *RetirementCategory.choices]
        self.fields["id_number"] = forms.CharField(
            label="公民身份号码",
            required=False,
            max_length=40,
            empty_value=None,
            help_text="18位；旧式15位号码保存时自动升级为18位",
        )
        if mode == "direct":
            self.fields["unit"] = unit_field(
                actor, label="所在单位", current=getattr(self.instance, "unit", None), required=True
            )
        else:
            allowed = set(requestable_fields())
            for name in [n for n in self.fields if n not in allowed and n != "version"]:
                del self.fields[name]
            self.fields["change_note"] = forms.CharField(
                label="变更说明",
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="说明变更的依据（如任职文件、身份证件），供组织部审核时参考",
            )
        for name in WIDE_FIELDS & set(self.fields):
            self.fields[name].widget.attrs.setdefault("class", "input-wide")

    def _post_clean(self) -> None:
        # No model validation here: the service normalizes (ID numbers) and
        # validates the whole record, and its messages come back as field
        # errors. Validating first would reject what it would have fixed.
        return

    def shared_option_lists(self) -> SafeString:
        return shared_option_lists(self)

    def record_fields(self) -> list[str]:
        """The model fields this form edits (not the version or the note)."""
        return [name for name in self.fields if name in CADRE_FIELDS]

    def fieldsets(self) -> list[tuple[str, list[tuple[forms.BoundField, bool]]]]:
        """(title, [(bound field, spans the whole row)]) in the form's order."""
        sets = []
        for title, names in CADRE_FIELDSETS:
            bound = [(self[name], name in WIDE_FIELDS) for name in names if name in self.fields]
            if bound:
                sets.append((title, bound))
        return sets

    def model_value(self, name: str) -> Any:
        """The cleaned value of a field as the model stores it: an empty
        text column is "", never None."""
        value = self.cleaned_data.get(name)
        if value is None and not _is_nullable(name):
            return ""
        return value

    def json_of(self, name: str) -> Any:
        """The cleaned value of a field as JSON (relations by id, dates as ISO)."""
        value = self.model_value(name)
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def changed_record_fields(self) -> list[str]:
        return [name for name in self.changed_data if name in CADRE_FIELDS]

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's ValidationError as form errors: messages about fields
        this form shows go to the field, the rest above the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            target = name if name in self.fields else None
            messages = [message for error in errors for message in error.messages]
            if target is None and name not in ("__all__",):
                label = _label(name)
                messages = [f"{label}：{message}" for message in messages]
            self.add_error(target, messages)


def _is_nullable(name: str) -> bool:
    field_ = model_field(Cadre, name)
    return bool(field_.null or field_.is_relation)


def _label(name: str) -> str:
    concrete = {f.name: f for f in Cadre._meta.concrete_fields}
    return str(concrete[name].verbose_name) if name in concrete else name


def record_json(record: Any, names: Sequence[str]) -> dict[str, Any]:
    """The named Cadre fields of a cadre (or of its history row) as JSON."""
    return {name: json_value(record, model_field(Cadre, name)) for name in names}


# --- sub-records -----------------------------------------------------------------------


class SubrecordForm(AnyModelForm):
    """One sub-record row; code fields become searchable selects sharing one
    read of each code table across the rows of the page."""

    def __init__(self, *args: Any, code_options: CodeOptions, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _replace_code_fields(self, code_options)
        for name, field_ in _model_fields(self).items():
            if isinstance(field_, models.DateField) and not isinstance(field_, models.DateTimeField):
                self.fields[name] = YearMonthField(label=str(field_.verbose_name), required=not field_.blank)
        if "unit" in self.fields:
            self.fields["unit"] = unit_field(
                actor, label="任职单位", current=getattr(self.instance, "unit", None), required=False
            )
            self.fields["unit"].help_text = "在本辖区内的单位可直接选择，其他单位填写名称"

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "截止时间不能早于起始时间")
        return cleaned


# The kinds, declared once in personnel.subrecords, by slug.
SUBRECORD_KINDS: dict[str, SubrecordKind] = BY_SLUG


def subrecord_formset(kind: SubrecordKind) -> type[forms.BaseModelFormSet[Any, Any]]:
    """The edit page's table of rows of one kind: its declared fields, long
    texts in wide inputs, one blank row to add, a delete box per row."""
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {}
    for name in ("content", "note", "description", "work_unit_and_post"):
        if name in kind.form_fields:
            widgets[name] = forms.TextInput(attrs={"class": "input-wide"})
    return forms.modelformset_factory(
        kind.model, form=SubrecordForm, fields=kind.form_fields, widgets=widgets, extra=1, can_delete=True
    )


# --- change requests -------------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="驳回理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "驳回时必须填写理由"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError("驳回时必须填写理由")
        return reason


class AgeReferenceForm(forms.Form):
    """计算年龄时间 on the cadre page."""

    at = YearMonthField(label="计算年龄时间", required=False)
