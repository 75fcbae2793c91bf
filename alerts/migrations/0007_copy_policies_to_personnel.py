"""Data only: the policy versions and their history move to the one policy
store (personnel 0009, ``personnel.Policy``), ids kept (check runs name the
versions they applied). The copy bypasses the new table's history triggers,
so the moved history is exactly the old one; 0008 drops alerts' tables."""

from django.db import migrations

COLUMNS = "id, key, effective_from, params, note, changed_at, changed_by_id"
EVENT_COLUMNS = f"pgh_id, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {COLUMNS}"


def _copy(source: str, target: str) -> str:
    return f"""
    ALTER TABLE {target} DISABLE TRIGGER USER;
    INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {source};
    -- The deferred foreign-key checks of the copied rows run now: a table
    -- with pending trigger events cannot be altered.
    SET CONSTRAINTS ALL IMMEDIATE;
    ALTER TABLE {target} ENABLE TRIGGER USER;
    INSERT INTO {target}event ({EVENT_COLUMNS}) SELECT {EVENT_COLUMNS} FROM {source}event ORDER BY pgh_id;
    SELECT setval(pg_get_serial_sequence('{target}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {target}), false);
    SELECT setval(pg_get_serial_sequence('{target}event', 'pgh_id'),
                  (SELECT coalesce(max(pgh_id), 0) + 1 FROM {target}event), false);
    -- The source is emptied (TRUNCATE: history tables refuse row deletes).
    TRUNCATE {source}, {source}event;
    """  # noqa: S608 - constants only


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0006_move_out_relations_and_sanctions"),
        ("personnel", "0009_policy"),
    ]

    operations = [
        migrations.RunSQL(
            _copy("alerts_alertpolicy", "personnel_policy"), _copy("personnel_policy", "alerts_alertpolicy")
        )
    ]
