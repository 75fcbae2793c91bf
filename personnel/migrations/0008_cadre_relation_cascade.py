"""A cadre-to-cadre relation goes with either cadre in the database itself
(ON DELETE CASCADE, as the model's on_delete says), as it did in alerts:
the registry's bulk tools delete cadres with raw SQL, which the ORM's
cascade never sees. Same constraint names, same deferral. Its own migration:
Django adds 0007's foreign keys only when that migration ends."""

from django.db import migrations

_SQL = """
    DO $$
    DECLARE r record;
    BEGIN
      FOR r IN
        SELECT c.conname, a.attname AS col
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.conrelid = 'personnel_cadrerelation'::regclass
          AND c.confrelid = 'personnel_cadre'::regclass
      LOOP
        EXECUTE format('ALTER TABLE personnel_cadrerelation DROP CONSTRAINT %I', r.conname);
        EXECUTE format(
          'ALTER TABLE personnel_cadrerelation ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES personnel_cadre(id) '
          '{action} DEFERRABLE INITIALLY DEFERRED', r.conname, r.col);
      END LOOP;
    END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("personnel", "0007_cadre_relation_kinship")]

    operations = [
        migrations.RunSQL(_SQL.replace("{action}", "ON DELETE CASCADE"), _SQL.replace("{action}", "")),
    ]
