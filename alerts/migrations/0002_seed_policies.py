"""The DOMAIN.md defaults of every alert policy, in force from 2025-01-01
(the retirement reform's start). Data only; the schema is 0001."""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2025, 1, 1)
NOTE = "DOMAIN.md 默认值（系统初始化）"
KEYS = ("rotation", "age_cutoff", "retirement", "kinship", "home_county", "influence", "probation")


def seed(apps, schema_editor):
    # The seven policies the alert checks had when this ran, with their
    # DOMAIN.md defaults as their declaring apps give them (core.checks).
    from core.checks import policy_defaults

    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    for key in KEYS:
        AlertPolicy.objects.get_or_create(
            key=key, effective_from=EFFECTIVE_FROM, defaults={"params": policy_defaults(key), "note": NOTE}
        )


def unseed(apps, schema_editor):
    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    AlertPolicy.objects.filter(effective_from=EFFECTIVE_FROM, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
