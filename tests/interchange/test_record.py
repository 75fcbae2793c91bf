"""The record as the import machinery uses it: loaded from the database,
compared with a file, applied (only what changed, nothing when nothing did)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from core.history import history_context
from interchange.apply import apply_record
from interchange.diff import diff_records
from interchange.from_cadre import record_from_cadre
from interchange.lrmx import parse_lrmx, write_lrmx
from personnel.models import (
    Appraisal,
    Cadre,
    Code,
    Education,
    EducationKind,
    FamilyMember,
    Photo,
    ResumeEntry,
    RewardPunishment,
)
from tests.factories import id_number_for, make_cadre, make_jurisdiction, make_unit, make_user
from tests.interchange import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    root = make_unit("甲县")
    finance = make_unit("甲县财政局", parent=root)
    other_root = make_unit("乙县")
    other = make_unit("乙县财政局", parent=other_root)
    return {
        "finance": finance,
        "other": other,
        "officer": make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("甲县委组织部", root)),
        "outsider": make_user("outsider", Role.ORG_STAFF, jurisdiction=make_jurisdiction("乙县委组织部", other_root)),
    }


def history_rows() -> int:
    from pghistory.models import Events

    return Events.objects.count()


def file_record(**overrides):
    record = parse_lrmx(builders.lrmx(**builders.with_id(**overrides)), "王小明.lrmx")
    assert record.is_valid, record.errors
    return record


def test_a_new_cadre_from_a_file_with_every_sub_record(county):
    record = file_record()
    with history_context(actor=county["officer"], import_job=7):
        cadre = apply_record(actor=county["officer"], record=record, unit=county["finance"])
    cadre = Cadre.objects.get(pk=cadre.pk)
    assert cadre.name == "王小明" and cadre.unit == county["finance"]
    assert cadre.birth_date == datetime.date(1975, 3, 1)
    assert cadre.political_status is not None and cadre.age_limit is not None
    assert cadre.political_status.code == "01" and cadre.party_join_date == datetime.date(1995, 6, 1)
    assert cadre.rewards_text == "2019年被评为甲县优秀共产党员"
    assert cadre.age_limit.code == "60"
    assert ResumeEntry.objects.filter(cadre=cadre).count() == 4
    assert ResumeEntry.objects.get(cadre=cadre, sort_order=1).note.startswith("2001.09")
    assert Appraisal.objects.filter(cadre=cadre).count() == 3
    assert FamilyMember.objects.filter(cadre=cadre, is_deceased=True).count() == 1
    assert Education.objects.filter(cadre=cadre).count() == 2
    assert bytes(Photo.objects.get(cadre=cadre).data) == builders.JPEG
    # The stored record reads back as the file did: nothing to change.
    assert diff_records(record_from_cadre(cadre), record) == []


def test_reimporting_an_unchanged_file_writes_nothing(county):
    record = file_record()
    cadre = apply_record(actor=county["officer"], record=record, unit=county["finance"])
    before = history_rows()
    version = Cadre.objects.get(pk=cadre.pk).version
    with CaptureQueriesContext(connection) as queries:
        apply_record(actor=county["officer"], record=file_record(), unit=county["finance"], cadre=cadre)
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert history_rows() == before
    assert Cadre.objects.get(pk=cadre.pk).version == version


def test_export_then_import_of_a_stored_cadre_changes_nothing(county):
    cadre = make_cadre(
        county["finance"],
        name="赵六",
        birth_date=datetime.date(1982, 7, 19),  # a real day: the file only carries the month
        work_start_date=datetime.date(2004, 8, 2),
        ethnicity=Code.objects.get(table="GB3304", code="01"),
        current_post="甲县财政局副局长",
    )
    university = Code.objects.get(table="ZB64", code="21")
    college = Code.objects.get(table="ZB64", code="31")
    Education.objects.create(cadre=cadre, kind=EducationKind.FULL_TIME, education=college, school="某职业学院")
    Education.objects.create(
        cadre=cadre,
        kind=EducationKind.FULL_TIME,
        education=university,
        school="某大学",
        major="会计学",
        is_highest=True,
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=datetime.date(2004, 8, 1), content="甲县财政局科员")
    FamilyMember.objects.create(
        cadre=cadre,
        name="赵某",
        relation_text="爱人",
        id_number="330102198301011234",
        birth_date=datetime.date(1983, 1, 9),
    )
    Appraisal.objects.create(cadre=cadre, year=2023, grade="excellent", note="记三等功")
    RewardPunishment.objects.create(cadre=cadre, kind="reward", title="嘉奖", date=datetime.date(2020, 5, 1))
    before = history_rows()
    exported = write_lrmx(record_from_cadre(cadre))
    incoming = parse_lrmx(exported, "赵六.lrmx")
    assert incoming.is_valid, incoming.errors
    assert diff_records(record_from_cadre(cadre), incoming) == []
    apply_record(actor=county["officer"], record=incoming, unit=county["finance"], cadre=cadre)
    assert history_rows() == before


def test_month_precision_equal_to_a_stored_day_is_no_change(county):
    cadre = make_cadre(county["finance"], name="王小明", birth_date=datetime.date(1975, 3, 14))
    stored = record_from_cadre(cadre)
    incoming = file_record()
    changed = {c.field for c in diff_records(stored, incoming)}
    assert "birth_date" not in changed
    day = file_record(ChuShengNianYue="19750315")
    assert "birth_date" in {c.field for c in diff_records(stored, day)}


def test_a_changed_file_updates_only_what_changed(county):
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    resume_ids = set(ResumeEntry.objects.filter(cadre=cadre).values_list("pk", flat=True))
    FamilyMember.objects.filter(cadre=cadre, name="李某某").update(id_number="330102197605011234")
    version = Cadre.objects.get(pk=cadre.pk).version
    incoming = file_record(
        XianRenZhiWu="甲县人民政府副县长",
        NianDuKaoHeJieGuo="2021年度考核称职；2022年度考核优秀；2023年度考核优秀。",
        JiaTingChengYuan=[{**builders.FAMILY[0], "GongZuoDanWeiJiZhiWu": "甲县第二中学教师"}, *builders.FAMILY[1:]],
    )
    changes = {c.field: c for c in diff_records(record_from_cadre(cadre), incoming)}
    assert set(changes) == {"current_post", "appraisals", "family"}
    assert changes["appraisals"].old == "2023年度考核称职" and changes["appraisals"].new == "2023年度考核优秀"
    assert "甲县第二中学教师" in changes["family"].new and "甲县第一中学教师" in changes["family"].old
    updated = apply_record(actor=county["officer"], record=incoming, unit=county["finance"], cadre=cadre)
    assert updated.current_post == "甲县人民政府副县长"
    assert updated.version == version + 1
    assert Appraisal.objects.get(cadre=cadre, year=2023).grade == "excellent"
    # The résumé did not change: its rows are the same rows.
    assert set(ResumeEntry.objects.filter(cadre=cadre).values_list("pk", flat=True)) == resume_ids
    # What the form does not carry stays with the family member.
    assert FamilyMember.objects.get(cadre=cadre, name="李某某").id_number == "330102197605011234"
    assert diff_records(record_from_cadre(updated), incoming) == []


def test_a_file_without_id_number_photo_or_reform_fields_clears_nothing(county):
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    old = parse_lrmx(
        builders.lrmx(ShenFenZheng=None, ZhaoPian=None, GaiGeQianRenZhiNianLingJieXian=None, DaoLingNianYue=None),
        "old.lrmx",
    )
    assert diff_records(record_from_cadre(cadre), old) == []


def test_resume_change_shows_the_differing_lines(county):
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    incoming = file_record(
        JianLi=builders.RESUME.replace("2018.03--  甲县财政局局长", "2018.03--2024.06  甲县财政局局长")
    )
    [change] = diff_records(record_from_cadre(cadre), incoming)
    assert change.field == "resume" and change.label == "简历"
    assert change.old == "2018.03--  甲县财政局局长"
    assert change.new == "2018.03--2024.06  甲县财政局局长"


def test_invalid_records_and_bad_values_are_refused(county):
    bad = parse_lrmx(builders.lrmx(ChuShengNianYue="abc"), "a.lrmx")
    with pytest.raises(ValidationError):
        apply_record(actor=county["officer"], record=bad, unit=county["finance"])
    existing = make_cadre(county["finance"], name="李四")
    duplicate = file_record()
    duplicate.cadre["id_number"] = existing.id_number
    duplicate.cadre["birth_date"] = record_from_cadre(existing).cadre["birth_date"]
    with pytest.raises(ValidationError) as caught:
        apply_record(actor=county["officer"], record=duplicate, unit=county["finance"])
    assert "id_number" in caught.value.message_dict
    assert not Cadre.objects.filter(name="王小明").exists()


def test_a_unit_outside_the_actors_jurisdiction_is_refused(county):
    with pytest.raises(PermissionDenied):
        apply_record(actor=county["outsider"], record=file_record(), unit=county["finance"])
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    with pytest.raises(PermissionDenied):
        apply_record(
            actor=county["outsider"], record=file_record(XianRenZhiWu="x"), unit=county["finance"], cadre=cadre
        )
    assert Cadre.objects.get(pk=cadre.pk).current_post == "甲县财政局局长"


def test_record_from_cadre_takes_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    # The cadre, six sub-record lists and the posts held now (现任职务 falls back to them).
    with django_assert_max_num_queries(8):
        record = record_from_cadre(cadre)
    assert record.photo == builders.JPEG and len(record.family) == 3


def test_a_new_photo_replaces_the_stored_one(county):
    cadre = apply_record(actor=county["officer"], record=file_record(), unit=county["finance"])
    import base64

    incoming = file_record(ZhaoPian=base64.b64encode(builders.PNG).decode())
    [change] = diff_records(record_from_cadre(cadre), incoming)
    assert change.field == "photo"
    apply_record(actor=county["officer"], record=incoming, unit=county["finance"], cadre=cadre)
    photo = Photo.objects.get(cadre=cadre)
    assert bytes(photo.data) == builders.PNG and photo.content_type == "image/png"


def test_id_number_for_is_valid_for_the_builders():
    number = id_number_for(datetime.date(1975, 3, 14), "1")
    assert parse_lrmx(builders.lrmx(ShenFenZheng=number), "a.lrmx").is_valid
