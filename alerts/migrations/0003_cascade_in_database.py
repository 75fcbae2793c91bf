"""Rows that hang off a cadre (alerts and their events, influence records,
relations) are removed by PostgreSQL itself when the cadre row goes, as the
models' on_delete=CASCADE says: the registry's bulk tools delete cadres
with raw SQL (the demo generator's --reset), which the ORM's cascade never
sees. Same constraint names, same deferral; only ON DELETE changes."""

from django.db import migrations

TABLES = "'alerts_alert', 'alerts_alertevent', 'alerts_influencerecord', 'alerts_cadrerelation'"
TARGETS = "'personnel_cadre', 'alerts_alert'"


def _sql(action: str) -> str:
    return f"""
    DO $$
    DECLARE r record;
    BEGIN
      FOR r IN
        SELECT c.conname, c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text IN ({TABLES})
          AND c.confrelid::regclass::text IN ({TARGETS})
      LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tbl, r.conname);
        EXECUTE format(
          'ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %I(id) {action} DEFERRABLE INITIALLY DEFERRED',
          r.tbl, r.conname, r.col, r.ref);
      END LOOP;
    END $$;
    """  # noqa: S608 - constants only


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_seed_policies")]

    operations = [migrations.RunSQL(_sql("ON DELETE CASCADE"), _sql(""))]
