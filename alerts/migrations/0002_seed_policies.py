"""The DOMAIN.md defaults of every alert policy, in force from 2025-01-01
(the retirement reform's start). Data only; the schema is 0001."""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2025, 1, 1)
NOTE = "DOMAIN.md 默认值（系统初始化）"


def seed(apps, schema_editor):
    from alerts.rules import PolicyKey, policy_defaults

    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    for key in PolicyKey:
        AlertPolicy.objects.get_or_create(
            key=key.value, effective_from=EFFECTIVE_FROM, defaults={"params": policy_defaults(key), "note": NOTE}
        )


def unseed(apps, schema_editor):
    AlertPolicy = apps.get_model("alerts", "AlertPolicy")
    AlertPolicy.objects.filter(effective_from=EFFECTIVE_FROM, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
