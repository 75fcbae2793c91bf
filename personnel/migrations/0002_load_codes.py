from django.db import migrations

from personnel.codes import load_codes


def load(apps, schema_editor):
    # An upsert: running it again later (or the load_codes command) brings the
    # tables up to date with the shipped data file without touching references.
    load_codes(apps.get_model("personnel", "Code"))


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
