"""Data only: the cadre-to-cadre relations, their history rows and the
related pairs of the last run move to personnel's tables (personnel 0007),
ids kept. The copy bypasses the new tables' history triggers, so the moved
history is exactly the old one (no extra "insert" rows); 0006 then drops
alerts' tables."""

from django.db import migrations

COLUMNS = "id, cadre_id, relative_id, relation_id, note"
EVENT_COLUMNS = f"pgh_id, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {COLUMNS}"
KINSHIP_COLUMNS = "id, low, high, relation_code, matched_by"


def _copy(source: str, target: str) -> str:
    return f"""
    ALTER TABLE {target}_cadrerelation DISABLE TRIGGER USER;
    INSERT INTO {target}_cadrerelation ({COLUMNS}) SELECT {COLUMNS} FROM {source}_cadrerelation;
    -- The deferred foreign-key checks of the copied rows run now: a table
    -- with pending trigger events cannot be altered.
    SET CONSTRAINTS ALL IMMEDIATE;
    ALTER TABLE {target}_cadrerelation ENABLE TRIGGER USER;
    INSERT INTO {target}_cadrerelationevent ({EVENT_COLUMNS})
        SELECT {EVENT_COLUMNS} FROM {source}_cadrerelationevent ORDER BY pgh_id;
    INSERT INTO {target}_kinship ({KINSHIP_COLUMNS}) SELECT {KINSHIP_COLUMNS} FROM {source}_kinship;
    SELECT setval(pg_get_serial_sequence('{target}_cadrerelation', 'id'),
                  (SELECT coalesce(max(id), 0) + 1 FROM {target}_cadrerelation), false);
    SELECT setval(pg_get_serial_sequence('{target}_cadrerelationevent', 'pgh_id'),
                  (SELECT coalesce(max(pgh_id), 0) + 1 FROM {target}_cadrerelationevent), false);
    SELECT setval(pg_get_serial_sequence('{target}_kinship', 'id'),
                  (SELECT coalesce(max(id), 0) + 1 FROM {target}_kinship), false);
    -- The source is emptied (TRUNCATE: history tables refuse row deletes).
    TRUNCATE {source}_cadrerelation, {source}_cadrerelationevent, {source}_kinship;
    """  # noqa: S608 - constants only


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_checkrun_job_base"),
        ("personnel", "0007_cadre_relation_kinship"),
    ]

    operations = [migrations.RunSQL(_copy("alerts", "personnel"), _copy("personnel", "alerts"))]
