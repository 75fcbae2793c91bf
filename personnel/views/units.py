"""The unit tree (单位信息) and a unit's page with its leadership team (领导班子)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.views import browser_login_required
from personnel.access import require_cadre_scope, unit_for_actor
from personnel.filters import EARLIEST_DATE, LATEST_DATE
from personnel.unit_selectors import unit_page_for, unit_tree_for


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="计算年龄时间",
        required=False,
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


@require_safe
@never_cache
@browser_login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    require_cadre_scope(request.user)
    tree = unit_tree_for(actor=request.user)
    return render(request, "personnel/units/unit_tree.html", {"tree": tree})


@require_safe
@never_cache
@browser_login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    require_cadre_scope(request.user)
    unit = unit_for_actor(request.user, unit_id)
    form = AsOfForm(request.GET)
    as_of: datetime.date = (form.cleaned_data.get("as_of") if form.is_valid() else None) or timezone.localdate()
    page = unit_page_for(actor=request.user, unit=unit, as_of=as_of)
    return render(request, "personnel/units/unit_detail.html", {"page": page, "form": form})
