# ImportJob and ExportJob now inherit core.models.RowJob (verbose names only; no SQL).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_importrow_cadre_set_null"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="rows_done",
            field=models.PositiveIntegerField(default=0, verbose_name="已处理行数"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="rows_total",
            field=models.PositiveIntegerField(default=0, verbose_name="总行数"),
        ),
    ]
