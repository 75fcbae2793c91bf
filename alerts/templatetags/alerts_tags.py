"""The cadre page's open alerts, as a template tag: the registry's page
shows them without the registry importing the alerts app (apps depend on
personnel, never the other way round)."""

from __future__ import annotations

from typing import Any

from django import template

from alerts.selectors import open_alerts_of

register = template.Library()


@register.inclusion_tag("alerts/_cadre_alerts.html", takes_context=True)
def cadre_open_alerts(context: dict[str, Any], cadre: Any) -> dict[str, Any]:
    return {"alerts": open_alerts_of(actor=context["request"].user, cadre=cadre)}
