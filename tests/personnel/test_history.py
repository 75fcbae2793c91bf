"""Every change to a registry row leaves a history row saying who made it,
whatever issued the change: a service, bulk_update, queryset.update() or raw
SQL."""

from __future__ import annotations

import pghistory.models
import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import Role
from core.history import history_context
from personnel import services
from personnel.models import Cadre, FamilyMember
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db

CadreEvent = Cadre.pgh_event_model  # type: ignore[attr-defined]


@pytest.fixture
def setup():
    root = make_unit("测试县")
    unit = make_unit("测试县财政局", parent=root)
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("测试县委组织部", root))
    return unit, officer


def _events(cadre, label="update"):
    return CadreEvent.objects.filter(pgh_obj_id=cadre.pk, pgh_label=label).select_related("pgh_context")


def test_service_save_writes_history_attributed_to_the_actor(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="李四")
    services.cadre_update(actor=officer, cadre=cadre, data={"current_post": "局长"})
    event = _events(cadre).get()
    assert event.current_post == "局长"
    assert event.pgh_context.metadata["user"] == officer.pk
    assert event.pgh_context.metadata["username"] == "officer"


def test_history_diff_names_the_changed_fields(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="李四", current_post="副局长")
    services.cadre_update(actor=officer, cadre=cadre, data={"current_post": "局长"})
    diff = pghistory.models.Events.objects.tracks(cadre).filter(pgh_label="update").get().pgh_diff
    assert diff["current_post"] == ["副局长", "局长"]


def test_bulk_update_writes_a_history_row_per_row(setup):
    unit, officer = setup
    cadres = [make_cadre(unit, name=name) for name in ("甲一", "甲二", "甲三")]
    for cadre in cadres:
        cadre.note = "批量修改"
    with history_context(actor=officer, source="bulk"):
        Cadre.objects.bulk_update(cadres, ["note"])
    for cadre in cadres:
        event = _events(cadre).get()
        assert event.note == "批量修改"
        assert event.pgh_context.metadata == {"user": officer.pk, "username": "officer", "source": "bulk"}


def test_queryset_update_writes_history(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="王五")
    with history_context(actor=officer):
        Cadre.objects.filter(pk=cadre.pk).update(note="批处理")
    assert _events(cadre).get().pgh_context.metadata["user"] == officer.pk


def test_raw_sql_writes_history(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="赵六")
    with history_context(actor=officer, source="script"), connection.cursor() as cursor:
        cursor.execute("UPDATE personnel_cadre SET note = %s WHERE id = %s", ["原始SQL", cadre.pk])
    event = _events(cadre).get()
    assert event.note == "原始SQL"
    assert event.pgh_context.metadata["source"] == "script"


def test_raw_sql_outside_any_context_is_still_recorded(setup):
    unit, _ = setup
    cadre = make_cadre(unit, name="钱七")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE personnel_cadre SET note = 'x' WHERE id = %s", [cadre.pk])
    assert _events(cadre).get().note == "x"


def test_unchanged_save_writes_no_history(setup):
    unit, _ = setup
    cadre = make_cadre(unit, name="孙八")
    Cadre.objects.filter(pk=cadre.pk).update(note="")
    assert not _events(cadre).exists()


def test_delete_and_subrecords_are_recorded(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="周九")
    member = services.subrecord_save(actor=officer, record=FamilyMember(cadre=cadre, name="周母"))
    member_id = member.pk
    services.subrecord_delete(actor=officer, record=member)
    event_model = FamilyMember.pgh_event_model  # type: ignore[attr-defined]
    labels = list(event_model.objects.filter(pgh_obj_id=member_id).values_list("pgh_label", flat=True))
    assert sorted(labels) == ["delete", "insert"]
    cadre_id = cadre.pk
    services.cadre_delete(actor=officer, cadre=cadre)
    cadre.pk = cadre_id
    assert _events(cadre, "delete").get().pgh_context.metadata["user"] == officer.pk


def test_history_rows_cannot_be_altered(setup):
    unit, officer = setup
    cadre = make_cadre(unit, name="吴十")
    services.cadre_update(actor=officer, cadre=cadre, data={"note": "a"})
    with pytest.raises(DatabaseError), transaction.atomic():
        CadreEvent.objects.filter(pgh_obj_id=cadre.pk).update(note="篡改历史")
    with pytest.raises(DatabaseError), transaction.atomic():
        CadreEvent.objects.filter(pgh_obj_id=cadre.pk).delete()
