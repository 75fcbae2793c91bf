"""Oversight (干部监督) records. For now the sanctions and 诫勉 whose
influence periods the checks read (DOMAIN.md 6.2), moved here from alerts/
with their rows and history; entered in the admin until this app has its
screens."""

from __future__ import annotations

from django.db import models

from core.history import track
from oversight.rules import INFLUENCE_LABELS
from personnel.models import Cadre

INFLUENCE_CHOICES = [(kind.value, label) for kind, label in INFLUENCE_LABELS.items()]


@track()
class InfluenceRecord(models.Model):
    """诫勉 or a sanction with its date: the start of an influence period
    (DOMAIN.md 6.2)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="influence_records")
    kind = models.CharField("类别", max_length=24, choices=INFLUENCE_CHOICES)
    decided_on = models.DateField("决定日期")
    authority = models.CharField("决定机关", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=60, blank=True)
    reason = models.CharField("事由", max_length=300, blank=True)

    class Meta:
        verbose_name = "诫勉和处分"
        verbose_name_plural = "诫勉和处分"
        ordering = ["cadre", "-decided_on"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "kind", "decided_on"], name="influence_once_per_decision")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on:%Y-%m-%d}"
