"""A staged import row keeps pointing at the cadre it was compared with; when
that cadre is deleted, PostgreSQL itself clears the reference (the model's
on_delete=SET_NULL), so that bulk deletes in raw SQL (the demo generator's
--reset) are not refused by old import records. The commit then finds the
row's cadre gone and refuses, as it must."""

from django.db import migrations

SQL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.conname FROM pg_constraint c
    WHERE c.contype = 'f' AND c.conrelid = 'imports_importrow'::regclass
      AND c.confrelid = 'personnel_cadre'::regclass
  LOOP
    EXECUTE format('ALTER TABLE imports_importrow DROP CONSTRAINT %I', r.conname);
    EXECUTE format(
      'ALTER TABLE imports_importrow ADD CONSTRAINT %I FOREIGN KEY (cadre_id) REFERENCES personnel_cadre(id) %s '
      'DEFERRABLE INITIALLY DEFERRED', r.conname, '{action}');
  END LOOP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL.replace("{action}", "ON DELETE SET NULL"), SQL.replace("{action}", "")),
    ]
