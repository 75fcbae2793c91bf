"""Schema only. Relations and related pairs now live in personnel (their
rows were copied by 0005): their tables go. Sanctions move to oversight:
alerts lets go of the model and of its history triggers but leaves both
tables, which oversight 0001 renames and takes over. The rule and policy
choices are now the registered checks' (``core.checks``)."""

import pgtrigger.migrations
from django.db import migrations, models

import core.checks


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_copy_relations_to_personnel")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="influencerecord", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="influencerecord", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="influencerecord", name="delete_delete"),
        pgtrigger.migrations.RemoveTrigger(model_name="influencerecordevent", name="append_only"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="InfluenceRecordEvent"),
                migrations.DeleteModel(name="InfluenceRecord"),
            ],
            database_operations=[],
        ),
        pgtrigger.migrations.RemoveTrigger(model_name="cadrerelation", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="cadrerelation", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="cadrerelation", name="delete_delete"),
        pgtrigger.migrations.RemoveTrigger(model_name="cadrerelationevent", name="append_only"),
        migrations.DeleteModel(name="CadreRelationEvent"),
        migrations.DeleteModel(name="CadreRelation"),
        migrations.DeleteModel(name="Kinship"),
        migrations.AlterField(
            model_name="alert",
            name="rule",
            field=models.CharField(choices=core.checks.rule_choices, max_length=20, verbose_name="规则"),
        ),
        migrations.AlterField(
            model_name="alertpolicy",
            name="key",
            field=models.CharField(choices=core.checks.policy_choices, max_length=20, verbose_name="政策"),
        ),
        migrations.AlterField(
            model_name="alertpolicyevent",
            name="key",
            field=models.CharField(choices=core.checks.policy_choices, max_length=20, verbose_name="政策"),
        ),
    ]
