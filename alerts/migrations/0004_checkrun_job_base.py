# CheckRun now inherits core.models.Job, whose user-facing text is ``message``.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_cascade_in_database"),
    ]

    operations = [
        migrations.RenameField(model_name="checkrun", old_name="error", new_name="message"),
        migrations.AlterField(
            model_name="checkrun",
            name="message",
            field=models.TextField(blank=True, verbose_name="说明"),
        ),
    ]
