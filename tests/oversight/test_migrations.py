"""Moving sanctions to oversight, and relations and policy versions to
personnel keeps the rows,
their ids and their history: the database is taken back to before the move,
rows are written there (the old history triggers record them), and the
migrations are run forward over them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from oversight.models import InfluenceRecord
from personnel.models import CadreRelation, Code, CodeTable, Kinship, Policy
from tests.factories import make_cadre, make_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [
    ("alerts", "0004_checkrun_job_base"),
    ("personnel", "0006_history_statement_level"),
    ("oversight", None),
]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    nodes = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(nodes).apps


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _events(table: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pgh_label, pgh_obj_id FROM {table} ORDER BY pgh_id")  # noqa: S608 - test constant
        return list(cursor.fetchall())


def test_sanctions_and_relations_move_with_their_rows_ids_and_history() -> None:
    unit = make_unit("迁移县")
    head = make_cadre(unit, name="迁移甲")
    wife = make_cadre(unit, name="迁移乙", sex="2", birth_date=datetime.date(1982, 3, 1))
    latest = _latest()
    try:
        old = _migrate(BEFORE)
        # Another transactional test may have flushed the code tables.
        relation_code, _ = Code.objects.get_or_create(table=CodeTable.RELATION, code="13", defaults={"name": "妻子"})
        OldRecord = old.get_model("alerts", "InfluenceRecord")
        OldRelation = old.get_model("alerts", "CadreRelation")
        OldKinship = old.get_model("alerts", "Kinship")
        record = OldRecord.objects.create(
            cadre_id=head.pk, kind="party_warning", decided_on=datetime.date(2025, 3, 1), reason="迁移前"
        )
        OldRecord.objects.filter(pk=record.pk).update(reason="迁移前（更正）")
        relation = OldRelation.objects.create(cadre_id=head.pk, relative_id=wife.pk, relation_id=relation_code.pk)
        OldKinship.objects.create(low=head.pk, high=wife.pk, relation_code="13", matched_by="relation")
        OldPolicy = old.get_model("alerts", "AlertPolicy")
        version = OldPolicy.objects.create(
            key="rotation", effective_from=datetime.date(2026, 1, 1), params={"must_rotate_years": 9}, note="迁移前"
        )
        versions = set(OldPolicy.objects.exclude(key="retirement_age").values_list("pk", "key", "effective_from"))
        policy_events = _events("alerts_alertpolicyevent")
        assert policy_events[-1] == ("insert", version.pk)
        assert _events("alerts_influencerecordevent") == [("insert", record.pk), ("update", record.pk)]
        assert _events("alerts_cadrerelationevent") == [("insert", relation.pk)]
    finally:
        _migrate(latest)

    moved = InfluenceRecord.objects.get()
    assert (moved.pk, moved.cadre_id, moved.kind, moved.reason) == (
        record.pk,
        head.pk,
        "party_warning",
        "迁移前（更正）",
    )
    assert _events("oversight_influencerecordevent") == [("insert", record.pk), ("update", record.pk)]
    kept = CadreRelation.objects.get()
    assert (kept.pk, kept.cadre_id, kept.relative_id, kept.relation_id) == (
        relation.pk,
        head.pk,
        wife.pk,
        relation_code.pk,
    )
    assert _events("personnel_cadrerelationevent") == [("insert", relation.pk)]  # copied, not re-recorded
    assert list(Kinship.objects.values_list("low", "high")) == [(head.pk, wife.pk)]
    moved_versions = set(Policy.objects.exclude(key="retirement_age").values_list("pk", "key", "effective_from"))
    assert moved_versions == versions
    assert Policy.objects.get(pk=version.pk).params == {"must_rotate_years": 9}
    assert Policy.objects.filter(key="retirement_age").count() == 1  # seeded, after the moved ids
    assert _events("personnel_policyevent")[: len(policy_events)] == policy_events

    # The new tables' own triggers and id sequences carry on from the moved rows.
    another = InfluenceRecord.objects.create(cadre=wife, kind="admonishment", decided_on=datetime.date(2025, 4, 1))
    assert another.pk > record.pk
    moved.delete()
    assert _events("oversight_influencerecordevent")[-2:] == [("insert", another.pk), ("delete", record.pk)]
    second = CadreRelation.objects.create(cadre=wife, relative=head, relation=relation_code)
    assert second.pk > relation.pk
    assert _events("personnel_cadrerelationevent")[-1] == ("insert", second.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('alerts_influencerecord'), to_regclass('alerts_cadrerelation'),"
            " to_regclass('alerts_alertpolicy')"
        )
        assert cursor.fetchone() == (None, None, None)
    # Deleting a cadre in raw SQL still takes its sanctions and relations with it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM personnel_cadre WHERE id = %s", [wife.pk])
    assert not InfluenceRecord.objects.filter(cadre_id=wife.pk).exists()
    assert not CadreRelation.objects.exists()
