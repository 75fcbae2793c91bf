"""Data only: the DOMAIN.md 6.1 retirement schedules as the first version of
the ``retirement_age`` policy, in force from 2025-01-01 (the reform's
start); before, they were constants in personnel/policy.py. The numbers are
frozen here, as the migration that first seeded them."""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2025, 1, 1)
NOTE = "DOMAIN.md 默认值（系统初始化）"
PARAMS = {
    "reform_start": "2025-01-01",
    "male_base_age_years": 60,
    "male_step_months": 4,
    "male_cap_months": 36,
    "female_cadre_base_age_years": 55,
    "female_cadre_step_months": 4,
    "female_cadre_cap_months": 36,
    "female_worker_base_age_years": 50,
    "female_worker_step_months": 2,
    "female_worker_cap_months": 60,
}


def seed(apps, schema_editor):
    # Versions copied from alerts (alerts 0007) keep their ids and history
    # ids: start this one's after theirs whichever migration runs first.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        moving = "alerts_alertpolicy" in connection.introspection.table_names(cursor)
        for table, column in (("policy", "id"), ("policyevent", "pgh_id")):
            high = 0
            if moving:
                cursor.execute(f"SELECT coalesce(max({column}), 0) FROM alerts_alert{table}")  # noqa: S608
                high = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('personnel_{table}', '{column}'),"  # noqa: S608
                f" greatest((SELECT coalesce(max({column}), 0) FROM personnel_{table}), %s) + 1, false)",
                [high],
            )
    Policy = apps.get_model("personnel", "Policy")
    Policy.objects.get_or_create(
        key="retirement_age", effective_from=EFFECTIVE_FROM, defaults={"params": PARAMS, "note": NOTE}
    )


def unseed(apps, schema_editor):
    Policy = apps.get_model("personnel", "Policy")
    Policy.objects.filter(key="retirement_age", effective_from=EFFECTIVE_FROM, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("personnel", "0009_policy")]

    operations = [migrations.RunPython(seed, unseed)]
