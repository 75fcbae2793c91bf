"""The DOMAIN.md defaults of every alert policy, in force from 2025-01-01
(the retirement reform's start). Data only; the schema is 0001."""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2025, 1, 1)
NOTE = "DOMAIN.md 默认值（系统初始化）"


def seed(apps, schema_editor):
    # The policies the installed apps declare (core.checks), with their
    # DOMAIN.md defaults.
    from core.checks import policy_defaults, registered_policies

    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    for spec in registered_policies():
        AlertPolicy.objects.get_or_create(
            key=spec.key, effective_from=EFFECTIVE_FROM, defaults={"params": policy_defaults(spec.key), "note": NOTE}
        )


def unseed(apps, schema_editor):
    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    AlertPolicy.objects.filter(effective_from=EFFECTIVE_FROM, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
