"""The commit: all or nothing, attributed to the confirming user and the
job, idempotent, once only; and export → import of an unchanged list
changes nothing."""

from __future__ import annotations

import datetime
import io
from typing import Any
from unittest import mock

import pghistory.models
import pytest
from django.db import connection

from accounts.access import scope_of
from imports import services
from imports.commit import commit_job
from imports.exports import export_roster
from imports.models import ImportStatus
from imports.roster import TEMPLATE_FIELDS
from personnel import services as personnel_services
from personnel.models import Cadre, Education
from tests.factories import make_cadre
from tests.imports.helpers import HEADERS, commit, edit, person, roster, upload


def _events_of(job_id: int) -> list[tuple[str, str]]:
    """(model, label) of every history row attributed to the import job."""
    from django.apps import apps

    events = []
    for name in ("CadreEvent", "EducationEvent"):
        model = apps.get_model("personnel", name)
        labels = model.objects.filter(pgh_context__metadata__import_job=job_id).values_list("pgh_label", flat=True)
        events += [(name, label) for label in labels]
    return events


def test_commit_writes_new_and_changed_people_with_history(county: dict[str, Any]) -> None:
    cadre = make_cadre(county["finance"], name="张明", current_post="科员")
    rows = [
        person("张明", cadre.birth_date, **{"公民身份号码": cadre.id_number, "现任职务": "副局长"}),
        person("李华", datetime.date(1990, 7, 5), "2", **{"全日制学历": "大学", "全日制学位": "法学学士"}),
    ]
    job = upload(county["clerk"], county["finance"], roster(rows, headers=(*HEADERS, "全日制学历", "全日制学位")))
    assert (job.count_new, job.count_changed) == (1, 1)
    version = cadre.version
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.COMMITTED, job.message
    cadre.refresh_from_db()
    assert cadre.current_post == "副局长"
    assert cadre.version == version + 1
    new = Cadre.objects.get(name="李华")
    assert new.unit == county["finance"] and new.sex == "2" and new.birth_date == datetime.date(1990, 7, 5)
    assert new.name_pinyin == "lihua" and new.name_initials == "LH"
    assert new.current_post_date == datetime.date(2020, 1, 1)
    [education] = Education.objects.filter(cadre=new)
    assert education.education is not None and education.degree is not None
    assert (education.kind, education.education.name, education.degree.name) == ("full_time", "大学", "法学学士")
    assert sorted(_events_of(job.pk)) == [
        ("CadreEvent", "insert"),
        ("CadreEvent", "update"),
        ("EducationEvent", "insert"),
    ]
    context = pghistory.models.Context.objects.get(metadata__import_job=job.pk)
    assert context.metadata["user"] == county["clerk"].pk


def test_the_same_file_again_changes_nothing(county: dict[str, Any]) -> None:
    data = roster([person("张明", datetime.date(1985, 3, 12)), person("李华", datetime.date(1990, 7, 5), "2")])
    commit(county["staff"], upload(county["staff"], county["root"], data))
    again = upload(county["staff"], county["root"], data)
    assert (again.count_new, again.count_changed, again.count_unchanged) == (0, 0, 2)
    assert not again.can_commit
    with pytest.raises(services.ImportRefused, match="没有任何变化"):
        commit(county["staff"], again)
    assert not _events_of(again.pk)


def test_a_job_is_committed_once_however_often_it_is_confirmed(
    county: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = upload(county["staff"], county["root"], roster([person("张明", datetime.date(1985, 3, 12))]))
    with mock.patch("imports.tasks.commit_import.delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            services.import_commit(actor=county["staff"], job=job)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ImportRefused, match="正在导入"):
            services.import_commit(actor=county["staff"], job=job)
    assert queued.call_count == 1
    commit_job(job.pk)
    commit_job(job.pk)  # a retried task
    with pytest.raises(services.ImportRefused, match="已经导入"):
        services.import_commit(actor=county["staff"], job=job)
    assert Cadre.objects.filter(name="张明").count() == 1


def test_a_record_changed_after_the_preview_fails_the_whole_commit(county: dict[str, Any]) -> None:
    cadre = make_cadre(county["finance"], name="张明", current_post="科员")
    rows = [
        person("张明", cadre.birth_date, **{"公民身份号码": cadre.id_number, "现任职务": "副局长"}),
        person("李华", datetime.date(1990, 7, 5), "2"),
    ]
    job = upload(county["staff"], county["root"], roster(rows))
    personnel_services.cadre_update(actor=county["staff"], cadre=cadre, data={"current_post": "局长"})
    job = commit(county["staff"], job)
    assert job.status == ImportStatus.FAILED
    assert "第2行张明" in job.message and "重新上传" in job.message
    cadre.refresh_from_db()
    assert cadre.current_post == "局长"
    assert not Cadre.objects.filter(name="李华").exists()


def test_a_person_created_meanwhile_fails_the_commit(county: dict[str, Any]) -> None:
    row = person("李华", datetime.date(1990, 7, 5), "2")
    job = upload(county["staff"], county["root"], roster([row, person("王五", datetime.date(1980, 1, 1))]))
    make_cadre(county["tax"], name="李华", sex="2", birth_date=datetime.date(1990, 7, 5), id_number=row["公民身份号码"])
    job = commit(county["staff"], job)
    assert job.status == ImportStatus.FAILED
    assert not Cadre.objects.filter(name="王五").exists()


def test_nothing_is_half_written_when_the_database_refuses_a_row(county: dict[str, Any]) -> None:
    rows = [person(f"人{i}", datetime.date(1980, 1, 1) + datetime.timedelta(days=i)) for i in range(5)]
    job = upload(county["staff"], county["root"], roster(rows))
    # Corrupt the last staged row behind validation's back: no birth date (NOT NULL).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE imports_importrow SET data = data - 'birth_date' WHERE job_id = %s AND row_number = 6", [job.pk]
        )
    job = commit(county["staff"], job)
    assert job.status == ImportStatus.FAILED
    assert "全部取消" in job.message
    assert not Cadre.objects.exists()
    assert not _events_of(job.pk)


def test_a_job_with_errors_cannot_be_committed(county: dict[str, Any]) -> None:
    job = upload(
        county["staff"], county["root"], roster([person("张明", datetime.date(1985, 3, 12), **{"民族": "汉"})])
    )
    with pytest.raises(services.ImportRefused, match="1行有错误"):
        commit(county["staff"], job)


def test_others_cannot_confirm_or_cancel(county: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    job = upload(county["clerk"], county["finance"], roster([person("张明", datetime.date(1985, 3, 12))]))
    for actor in (county["other_clerk"], county["leader"]):
        with pytest.raises(PermissionDenied):
            commit(actor, job)
        with pytest.raises(PermissionDenied):
            services.import_cancel(actor=actor, job=job)
    services.import_cancel(actor=county["staff"], job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED


def test_export_then_import_of_an_unchanged_list_changes_nothing(db: Any) -> None:
    from accounts.models import Role
    from personnel.demo import demo_data_generate, demo_roots
    from tests.factories import make_jurisdiction, make_user

    demo_data_generate(size=150, seed=7, as_of=datetime.date(2026, 11, 1))
    root = demo_roots().get()
    staff = make_user("demo_staff", Role.ORG_STAFF, jurisdiction=make_jurisdiction("演示县委组织部", root))
    people = Cadre.objects.filter(unit__path__startswith=root.path)
    output = io.BytesIO()
    export_roster(output, people, TEMPLATE_FIELDS, scope_of(staff))
    job = upload(staff, root, output.getvalue())
    assert job.status == ImportStatus.VALIDATED, job.message
    assert job.count_unchanged == people.count() > 100
    assert (job.count_new, job.count_changed, job.count_invalid) == (0, 0, 0)
    # And one edited cell is exactly one change.
    job = upload(staff, root, edit(output.getvalue(), {(2, "现任职务"): "改过的职务"}))
    assert (job.count_changed, job.count_unchanged) == (1, job.rows_total - 1)


def test_a_cadre_deleted_in_raw_sql_clears_the_staged_reference(county: dict[str, Any]) -> None:
    cadre = make_cadre(county["finance"], name="张明", current_post="科员")
    row = person("张明", cadre.birth_date, **{"公民身份号码": cadre.id_number, "现任职务": "副局长"})
    job = upload(county["staff"], county["root"], roster([row]))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM personnel_cadre WHERE id = %s", [cadre.pk])
    job = commit(county["staff"], job)
    assert job.status == ImportStatus.FAILED
