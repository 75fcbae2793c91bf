"""Serializers of the alerts API: output only, plus the acknowledge input."""

from __future__ import annotations

from rest_framework import serializers

from alerts.models import Alert


class AlertSerializer(serializers.ModelSerializer[Alert]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit = serializers.IntegerField(source="cadre.unit_id", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.name", read_only=True)
    rule_label = serializers.CharField(source="get_rule_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    assigned_to = serializers.CharField(source="assigned_to.username", read_only=True, default=None)

    class Meta:
        model = Alert
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "unit",
            "unit_name",
            "rule",
            "rule_label",
            "severity",
            "severity_label",
            "message",
            "facts",
            "due_date",
            "state",
            "state_label",
            "assigned_to",
            "note",
            "created_at",
            "updated_at",
            "closed_at",
        ]
        read_only_fields = fields


class AcknowledgeInputSerializer(serializers.Serializer[None]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
