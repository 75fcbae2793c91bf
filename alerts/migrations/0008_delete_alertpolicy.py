"""Schema only: the policy versions live in personnel now (copied by 0007);
alerts' policy tables go."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("alerts", "0007_copy_policies_to_personnel")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="alertpolicy", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="alertpolicy", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="alertpolicy", name="delete_delete"),
        pgtrigger.migrations.RemoveTrigger(model_name="alertpolicyevent", name="append_only"),
        migrations.DeleteModel(name="AlertPolicyEvent"),
        migrations.DeleteModel(name="AlertPolicy"),
    ]
