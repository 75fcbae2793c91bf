"""Import of 干部任免审批表 files (.lrmx, .lrm + .pic, .zip) through the
two-step import: validation, preview rows, commit, history. Every file is
built from the format description (tests/interchange/builders.py); every
person is made up."""

from __future__ import annotations

import base64
import datetime
import io
from typing import Any
from unittest import mock

import pghistory.models
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.access import SYSTEM
from accounts.models import User
from imports import services
from imports.commit import commit_job
from imports.lrmx_import import UploadRefused, upload_kind, upload_payload
from imports.models import ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.validation import validate_job
from interchange.apply import apply_record, apply_records
from interchange.codes import CodeBook
from interchange.from_cadre import record_from_cadre
from interchange.lrmx import parse_lrmx, write_lrmx
from personnel.models import Appraisal, Cadre, FamilyMember, Photo, ResumeEntry, Unit
from personnel.services import cadre_update
from tests.factories import id_number_for, make_cadre
from tests.imports.helpers import roster
from tests.interchange import builders

JPEG2 = builders.JPEG[:-2] + b"\x01\x02" + builders.JPEG[-2:]


def form(name: str, birth: datetime.date, sex: str = "1", *, with_id: bool = True, **cells: Any) -> bytes:
    """An LRMX file of a made-up person; the ID number agrees with birth and sex."""
    overrides: dict[str, Any] = {
        "XingMing": name,
        "XingBie": "男" if sex == "1" else "女",
        "ChuShengNianYue": f"{birth:%Y%m}",
        "ShenFenZheng": id_number_for(birth, sex) if with_id else "",
        "DaoLingNianYue": None,
    }
    overrides.update(cells)
    return builders.lrmx(**overrides)


def upload(
    actor: User, unit: Unit, data: bytes, filename: str = "任免审批表.zip", pic: bytes | None = None
) -> ImportJob:
    """Upload as the page and the API do (kind from the file), validate inline."""
    with mock.patch("imports.tasks.validate_import.delay"):
        job = services.import_upload(
            actor=actor,
            unit=unit,
            filename=filename,
            data=upload_payload(filename, data, pic),
            kind=upload_kind(filename, data),
        )
    return validate_job(job.pk)


def commit(actor: User, job: ImportJob) -> ImportJob:
    with mock.patch("imports.tasks.commit_import.delay"):
        services.import_commit(actor=actor, job=job)
    return commit_job(job.pk)


def rows(job: ImportJob) -> dict[str, ImportRow]:
    return {r.source: r for r in ImportRow.objects.filter(job=job)}


# --- kinds of upload --------------------------------------------------------------------------


def test_the_kind_comes_from_the_extension_or_the_bytes() -> None:
    lrmx = builders.lrmx()
    workbook = roster([])
    archive = builders.zip_of({"a.lrmx": lrmx})
    assert upload_kind("花名册.xlsx", workbook) == ImportKind.ROSTER
    assert upload_kind("a.lrmx", lrmx) == ImportKind.LRMX
    assert upload_kind("a.lrm", builders.lrm()) == ImportKind.LRMX
    assert upload_kind("a.zip", archive) == ImportKind.LRMX
    # No extension: a zip holding a workbook is a roster, other zips and XML are forms.
    assert upload_kind("upload", workbook) == ImportKind.ROSTER
    assert upload_kind("upload", archive) == ImportKind.LRMX
    assert upload_kind("upload", lrmx) == ImportKind.LRMX
    assert upload_kind("notes.txt", b"hello") == ImportKind.ROSTER


def test_a_form_without_an_extension_is_read_as_lrmx(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], form("孙丽", datetime.date(1990, 7, 5), "2"), "download")
    assert (job.kind, job.count_new) == (ImportKind.LRMX, 1), job.message


def test_a_pic_goes_only_with_an_lrm() -> None:
    with pytest.raises(UploadRefused):
        upload_payload("a.lrmx", builders.lrmx(), builders.JPEG)
    assert upload_payload("a.lrmx", b"x", None) == b"x"
    # The same upload twice is the same stored bytes (same hash).
    assert upload_payload("a.lrm", b"x", b"y") == upload_payload("a.lrm", b"x", b"y")


# --- the preview ------------------------------------------------------------------------------


def test_zip_with_new_changed_unchanged_and_broken_files(county: dict[str, Any]) -> None:
    finance = county["finance"]
    same = make_cadre(finance, name="赵平", birth_date=datetime.date(1980, 5, 1))
    unchanged = write_lrmx(record_from_cadre(same))
    moved = make_cadre(finance, name="钱进", birth_date=datetime.date(1982, 6, 1), current_post="科员")
    changed = form("钱进", datetime.date(1982, 6, 1), ShenFenZheng=moved.id_number, XianRenZhiWu="副科长")
    archive = builders.zip_of(
        {
            "科室/赵平.lrmx": unchanged,
            "科室/钱进.lrmx": changed,
            "新人/孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2"),
            "坏文件.lrmx": b"<Person><XingMing>",
            "无性别.lrmx": form("周全", datetime.date(1985, 1, 1), XingBie="", ShenFenZheng=""),
        }
    )
    job = upload(county["clerk"], finance, archive)
    assert job.kind == ImportKind.LRMX
    assert job.status == ImportStatus.VALIDATED, job.message
    assert (job.count_new, job.count_changed, job.count_unchanged, job.count_invalid) == (1, 1, 1, 2)
    by_file = rows(job)
    # Rows are the files in archive order, labelled with their names.
    assert [r.source for r in ImportRow.objects.filter(job=job).order_by("row_number")] == sorted(by_file)
    assert by_file["科室/赵平.lrmx"].status == RowStatus.UNCHANGED
    assert by_file["科室/赵平.lrmx"].match_note == "按公民身份号码匹配"
    change = by_file["科室/钱进.lrmx"]
    assert (change.status, change.cadre_id, change.cadre_version) == (RowStatus.CHANGED, moved.pk, moved.version)
    assert ["current_post", "现任职务", "科员", "副科长"] in change.changes
    assert by_file["新人/孙丽.lrmx"].match_note == "新增人员"
    broken = by_file["坏文件.lrmx"]
    assert broken.status == RowStatus.INVALID and broken.errors[0]["column"] == "文件"
    assert "XML" in broken.errors[0]["message"]
    assert by_file["无性别.lrmx"].errors[0]["column"] == "XingBie"
    # Nothing written yet; the file cannot be committed with errors in it.
    assert not Cadre.objects.filter(name="孙丽").exists()
    assert not job.can_commit


def test_commit_writes_new_and_changed_people_with_their_subrecords(county: dict[str, Any]) -> None:
    finance = county["finance"]
    moved = make_cadre(finance, name="钱进", birth_date=datetime.date(1982, 6, 1), current_post="科员")
    changed = write_lrmx(record_from_cadre(moved)).replace("科员".encode(), "副科长".encode())
    sun = form("孙丽", datetime.date(1990, 7, 5), "2")
    archive = builders.zip_of({"钱进.lrmx": changed, "孙丽.lrmx": sun})
    job = upload(county["clerk"], finance, archive)
    assert (job.count_new, job.count_changed, job.count_invalid) == (1, 1, 0), list(ImportRow.objects.values("errors"))
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.COMMITTED, job.message
    moved.refresh_from_db()
    assert (moved.current_post, moved.version) == ("副科长", 2)
    new = Cadre.objects.get(name="孙丽")
    assert (new.unit, new.sex, new.birth_date) == (finance, "2", datetime.date(1990, 7, 1))
    assert new.name_pinyin == "sunli"
    assert ResumeEntry.objects.filter(cadre=new).count() == 4
    assert Appraisal.objects.filter(cadre=new).count() == 3
    family = FamilyMember.objects.filter(cadre=new).order_by("sort_order")
    assert [m.is_deceased for m in family] == [False, False, True]
    assert bytes(Photo.objects.get(cadre=new).data) == builders.JPEG
    # The imported record reads back as the file said.
    record = record_from_cadre(new)
    incoming = parse_lrmx(sun, "x.lrmx", codes=CodeBook())
    from interchange.diff import diff_records

    assert diff_records(record, incoming) == []


def test_history_rows_name_the_job_and_the_person_who_confirmed(county: dict[str, Any]) -> None:
    job = upload(
        county["clerk"], county["finance"], builders.zip_of({"孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2")})
    )
    job = commit(county["staff"], job)
    assert job.status == ImportStatus.COMMITTED, job.message
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM personnel_cadreevent e JOIN pghistory_context c ON c.id = e.pgh_context_id "
            "WHERE c.metadata->>'import_job' = %s AND e.pgh_label = 'insert'",
            [str(job.pk)],
        )
        assert cursor.fetchone()[0] == 1
    context = pghistory.models.Context.objects.get(metadata__import_job=job.pk)
    assert (context.metadata["user"], context.metadata["source"]) == (county["staff"].pk, "import")
    for model in ("ResumeEntryEvent", "FamilyMemberEvent", "AppraisalEvent", "PhotoEvent", "EducationEvent"):
        from django.apps import apps

        events = apps.get_model("personnel", model).objects.filter(pgh_context=context)
        assert events.exists(), model


# --- matching ---------------------------------------------------------------------------------


def test_matching_by_id_number_and_by_name_and_birth_month(county: dict[str, Any]) -> None:
    finance = county["finance"]
    by_id = make_cadre(finance, name="赵平", birth_date=datetime.date(1980, 5, 1), current_post="科员")
    no_number = make_cadre(
        finance, name="钱进", birth_date=datetime.date(1982, 6, 17), id_number=None, current_post="科员"
    )
    file_by_id = write_lrmx(record_from_cadre(by_id)).replace("科员".encode(), "科长".encode())
    # The file has the number the record lacks: matched by name and month, the number is added.
    number = id_number_for(datetime.date(1982, 6, 17), "1")
    file_by_name = form("钱 进", datetime.date(1982, 6, 17), ShenFenZheng=number, XianRenZhiWu="科员")
    job = upload(county["clerk"], finance, builders.zip_of({"a.lrmx": file_by_id, "b.lrmx": file_by_name}))
    by_file = rows(job)
    assert by_file["a.lrmx"].match_note == "按公民身份号码匹配"
    assert by_file["b.lrmx"].match_note == "按姓名和出生年月匹配"
    assert by_file["b.lrmx"].cadre_id == no_number.pk
    assert any(c[0] == "id_number" for c in by_file["b.lrmx"].changes)
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.COMMITTED, job.message
    no_number.refresh_from_db()
    assert no_number.id_number == number
    assert Cadre.objects.count() == 2


def test_someone_with_another_id_number_is_someone_else(county: dict[str, Any]) -> None:
    make_cadre(county["finance"], name="赵平", birth_date=datetime.date(1980, 5, 1))
    job = upload(county["clerk"], county["finance"], form("赵平", datetime.date(1980, 5, 3)), "赵平.lrmx")
    row = ImportRow.objects.get(job=job)
    assert (row.status, row.match_note) == (RowStatus.NEW, "新增人员")


def test_several_people_with_the_name_and_birth_month_is_an_error(county: dict[str, Any]) -> None:
    for day in (3, 20):
        make_cadre(county["finance"], name="李明", birth_date=datetime.date(1980, 5, day), id_number=None)
    job = upload(
        county["clerk"], county["finance"], form("李明", datetime.date(1980, 5, 1), with_id=False), "李明.lrmx"
    )
    row = ImportRow.objects.get(job=job)
    assert row.status == RowStatus.INVALID
    assert row.errors[0]["column"] == "XingMing" and "多名" in row.errors[0]["message"]
    assert row.source == "李明.lrmx"


def test_two_files_for_one_person_are_both_errors(county: dict[str, Any]) -> None:
    person = form("孙丽", datetime.date(1990, 7, 5), "2")
    archive = builders.zip_of(
        {
            "a.lrmx": person,
            "b.lrmx": person,
            "c.lrmx": form("周全", datetime.date(1985, 1, 1), with_id=False),
            "d.lrmx": form("周全", datetime.date(1985, 1, 9), with_id=False),
        }
    )
    job = upload(county["clerk"], county["finance"], archive)
    assert job.count_invalid == 4
    assert "第2个文件“b.lrmx”是同一人" in rows(job)["a.lrmx"].errors[0]["message"]
    assert "“c.lrmx”" in rows(job)["d.lrmx"].errors[0]["message"]


def test_a_person_outside_the_uploaders_scope_is_an_error_that_does_not_say_where(county: dict[str, Any]) -> None:
    elsewhere = make_cadre(county["other"], name="吴刚", birth_date=datetime.date(1979, 4, 1))
    in_tax = make_cadre(county["tax"], name="郑和", birth_date=datetime.date(1981, 8, 1))
    archive = builders.zip_of(
        {"吴刚.lrmx": write_lrmx(record_from_cadre(elsewhere)), "郑和.lrmx": write_lrmx(record_from_cadre(in_tax))}
    )
    job = upload(county["clerk"], county["finance"], archive)
    by_file = rows(job)
    message = by_file["吴刚.lrmx"].errors[0]["message"]
    assert "不在您的管理范围内" in message and "白水" not in message
    assert by_file["吴刚.lrmx"].cadre_id is None
    assert by_file["郑和.lrmx"].errors[0]["column"] == "ShenFenZheng"
    # Org staff may import the tax bureau's person, but not into the finance bureau's job.
    job = upload(county["staff"], county["finance"], archive)
    assert "不在本次导入单位" in rows(job)["郑和.lrmx"].errors[0]["message"]
    job = upload(county["staff"], county["root"], builders.zip_of({"郑和.lrmx": write_lrmx(record_from_cadre(in_tax))}))
    assert job.count_unchanged == 1


# --- idempotence, double commit, stale records ------------------------------------------------


def test_the_same_upload_again_changes_nothing(county: dict[str, Any]) -> None:
    archive = builders.zip_of(
        {f"{n}.lrmx": form(n, datetime.date(1985, i + 1, 1)) for i, n in enumerate(["甲一", "乙二", "丙三"])}
    )
    first = commit(county["clerk"], upload(county["clerk"], county["finance"], archive))
    assert first.status == ImportStatus.COMMITTED, first.message
    versions = dict(Cadre.objects.values_list("pk", "version"))
    again = upload(county["clerk"], county["finance"], archive)
    assert (again.count_new, again.count_changed, again.count_unchanged) == (0, 0, 3)
    assert not again.can_commit
    with pytest.raises(services.ImportRefused, match="没有任何变化"):
        services.import_commit(actor=county["clerk"], job=again)
    assert dict(Cadre.objects.values_list("pk", "version")) == versions


def test_a_job_commits_once(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], form("孙丽", datetime.date(1990, 7, 5), "2"), "孙丽.lrmx")
    with mock.patch("imports.tasks.commit_import.delay"):
        services.import_commit(actor=county["clerk"], job=job)
        with pytest.raises(services.ImportRefused, match="请勿重复提交"):
            services.import_commit(actor=county["clerk"], job=job)
    assert commit_job(job.pk).status == ImportStatus.COMMITTED
    assert commit_job(job.pk).status == ImportStatus.COMMITTED  # a retried task writes nothing more
    assert Cadre.objects.filter(name="孙丽").count() == 1


def test_a_record_changed_after_the_preview_fails_the_whole_commit(county: dict[str, Any]) -> None:
    finance = county["finance"]
    moved = make_cadre(finance, name="钱进", birth_date=datetime.date(1982, 6, 1), current_post="科员")
    changed = write_lrmx(record_from_cadre(moved)).replace("科员".encode(), "副科长".encode())
    archive = builders.zip_of({"钱进.lrmx": changed, "孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2")})
    job = upload(county["clerk"], finance, archive)
    cadre_update(actor=SYSTEM, cadre=moved, data={"expertise": "财务"}, expected_version=moved.version)
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.FAILED
    assert "“钱进.lrmx”" in job.message and "已被修改" in job.message
    moved.refresh_from_db()
    assert moved.current_post == "科员"
    assert not Cadre.objects.filter(name="孙丽").exists()  # all or nothing


def test_a_new_person_entered_by_someone_else_after_the_preview_fails_the_commit(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], form("孙丽", datetime.date(1990, 7, 5), "2"), "孙丽.lrmx")
    make_cadre(
        county["finance"],
        name="孙丽",
        sex="2",
        birth_date=datetime.date(1990, 7, 5),
        id_number=job.rows.get().id_number,
    )
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.FAILED and "“孙丽.lrmx”" in job.message
    assert Cadre.objects.filter(name="孙丽").count() == 1


# --- .lrm with .pic, refused uploads ----------------------------------------------------------


def test_an_lrm_with_its_pic(county: dict[str, Any]) -> None:
    number = id_number_for(datetime.date(1975, 3, 14), "1")
    data = builders.lrm(f0="王小明")
    job = upload(county["clerk"], county["finance"], data, "王小明.lrm", pic=builders.JPEG)
    assert (job.kind, job.status, job.count_new) == (ImportKind.LRMX, ImportStatus.VALIDATED, 1), job.message
    assert job.filename == "王小明.lrm"
    assert ImportRow.objects.get(job=job).source == "王小明.lrm"
    job = commit(county["clerk"], job)
    assert job.status == ImportStatus.COMMITTED, job.message
    cadre = Cadre.objects.get(name="王小明")
    assert bytes(cadre.photo.data) == builders.JPEG
    assert cadre.id_number is None and number  # the LRM format has no ID number field


def test_an_lrm_without_its_pic_and_an_lrm_error_names_the_lrm_field(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], builders.lrm(f1="未知"), "王小明.lrm")
    row = ImportRow.objects.get(job=job)
    assert row.status == RowStatus.INVALID and row.errors[0]["column"] == "字段1"


def test_a_refused_archive_rejects_the_job(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], builders.zip_of({"../evil.lrmx": builders.lrmx()}))
    assert job.status == ImportStatus.REJECTED and "“..”" in job.message
    assert not ImportRow.objects.filter(job=job).exists()


def test_a_zip_without_forms_shows_each_file_as_an_error(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], builders.zip_of({"说明.txt": b"hello"}))
    assert job.status == ImportStatus.VALIDATED and job.count_invalid == 1


# --- the batched write ------------------------------------------------------------------------


def test_apply_records_writes_what_apply_record_writes(county: dict[str, Any]) -> None:
    """The import's batched writer and the single-record one agree: the same
    stored record (sub-records included) after each."""
    finance = county["finance"]
    codes = CodeBook()
    one = make_cadre(finance, name="王小明", birth_date=datetime.date(1975, 3, 1), id_number=None)
    two = make_cadre(finance, name="王小明", birth_date=datetime.date(1975, 3, 1), id_number=None)
    ParsedRecordFile = builders.lrmx(XianRenZhiWu="甲县财政局副局长", ZhaoPian=base64.b64encode(JPEG2).decode())
    record = parse_lrmx(ParsedRecordFile, "x.lrmx", codes=codes)
    apply_record(actor=SYSTEM, record=record, unit=finance, cadre=one)
    from interchange.from_cadre import cadres_with_records

    with CaptureQueriesContext(connection) as queries:
        apply_records(
            actor=SYSTEM, unit=finance, items=[(record, cadres_with_records(Cadre.objects.filter(pk=two.pk)).get())]
        )
    a, b = record_from_cadre(Cadre.objects.get(pk=one.pk)), record_from_cadre(Cadre.objects.get(pk=two.pk))
    for part in ("cadre", "educations", "resume", "family", "appraisals"):
        assert getattr(a, part) == getattr(b, part), part
    assert a.photo == b.photo == JPEG2
    assert len(queries) < 25
    # And once more: nothing differs, nothing is written.
    two.refresh_from_db()
    assert (
        apply_records(
            actor=SYSTEM, unit=finance, items=[(record, cadres_with_records(Cadre.objects.filter(pk=two.pk)).get())]
        )
        == []
    )


# --- the API ----------------------------------------------------------------------------------


def test_api_upload_poll_rows_and_commit_a_zip(county: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    api = APIClient()
    api.force_authenticate(county["clerk"])
    archive = builders.zip_of({"孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2"), "坏.lrmx": b"<x/>"})
    file = io.BytesIO(archive)
    file.name = "审批表.zip"
    with mock.patch("imports.tasks.validate_import.delay") as queued, django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {"file": file, "unit": county["finance"].pk}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "lrmx"
    job_id = response.json()["id"]
    queued.assert_called_once_with(job_id)
    validate_job(job_id)
    job = api.get(f"/api/v1/imports/{job_id}/").json()
    assert (job["status"], job["count_new"], job["count_invalid"], job["can_commit"]) == ("validated", 1, 1, False)
    invalid = api.get(f"/api/v1/imports/{job_id}/rows/?status=invalid").json()["results"]
    assert invalid[0]["source"] == "坏.lrmx" and "Person" in invalid[0]["errors"][0]["message"]
    assert api.post(f"/api/v1/imports/{job_id}/commit/").status_code == 409
    assert api.get(f"/api/v1/imports/{job_id}/marked/").status_code == 404

    good = io.BytesIO(builders.zip_of({"孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2")}))
    good.name = "审批表.zip"
    with mock.patch("imports.tasks.validate_import.delay"):
        job_id = api.post("/api/v1/imports/", {"file": good, "unit": county["finance"].pk}, format="multipart").json()[
            "id"
        ]
    validate_job(job_id)
    new_rows = api.get(f"/api/v1/imports/{job_id}/rows/?status=new").json()["results"]
    assert [(r["source"], r["match_note"]) for r in new_rows] == [("孙丽.lrmx", "新增人员")]
    assert new_rows[0]["warnings"] == []  # no DaoLingNianYue in the file, nothing to warn about
    with mock.patch("imports.tasks.commit_import.delay"):
        response = api.post(f"/api/v1/imports/{job_id}/commit/")
    assert response.status_code == 202
    commit_job(job_id)
    assert api.get(f"/api/v1/imports/{job_id}/").json()["status"] == "committed"
    assert Cadre.objects.filter(name="孙丽").count() == 1


def test_api_lrm_with_pic_and_a_pic_without_an_lrm(county: dict[str, Any]) -> None:
    api = APIClient()
    api.force_authenticate(county["clerk"])
    lrm, pic = io.BytesIO(builders.lrm()), io.BytesIO(builders.JPEG)
    lrm.name, pic.name = "王小明.lrm", "王小明.pic"
    with mock.patch("imports.tasks.validate_import.delay"):
        response = api.post(
            "/api/v1/imports/", {"file": lrm, "pic": pic, "unit": county["finance"].pk}, format="multipart"
        )
    assert response.status_code == 202, response.content
    job = validate_job(response.json()["id"])
    assert job.count_new == 1, job.message
    lrmx, pic = io.BytesIO(builders.lrmx()), io.BytesIO(builders.JPEG)
    lrmx.name, pic.name = "王小明.lrmx", "王小明.pic"
    response = api.post(
        "/api/v1/imports/", {"file": lrmx, "pic": pic, "unit": county["finance"].pk}, format="multipart"
    )
    assert response.status_code == 400 and "pic" in response.json()["errors"]
    assert ImportJob.objects.count() == 1


def test_api_outsider_cannot_upload_into_a_unit(county: dict[str, Any]) -> None:
    api = APIClient()
    api.force_authenticate(county["other_clerk"])
    file = io.BytesIO(builders.lrmx())
    file.name = "a.lrmx"
    response = api.post("/api/v1/imports/", {"file": file, "unit": county["finance"].pk}, format="multipart")
    assert response.status_code in (403, 404)
    assert not ImportJob.objects.exists()


def test_the_readers_warnings_are_shown_with_the_row(county: dict[str, Any]) -> None:
    # DaoLingNianYue disagrees with the registry's own retirement rule: a warning, not an error.
    job = upload(
        county["clerk"],
        county["finance"],
        form("孙丽", datetime.date(1990, 7, 5), "2", DaoLingNianYue="203710"),
        "孙丽.lrmx",
    )
    row = ImportRow.objects.get(job=job)
    assert row.status == RowStatus.NEW
    assert row.data["warnings"][0]["column"] == "DaoLingNianYue"


def test_what_the_registry_would_refuse_is_shown_in_the_preview(county: dict[str, Any]) -> None:
    long_post = form("孙丽", datetime.date(1990, 7, 5), "2", XianRenZhiWu="长" * 250)
    job = upload(county["clerk"], county["finance"], long_post, "孙丽.lrmx")
    row = ImportRow.objects.get(job=job)
    assert row.status == RowStatus.INVALID
    assert any("现任职务" in f"{e['field']}{e['message']}" for e in row.errors), row.errors


# --- the pages --------------------------------------------------------------------------------


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_the_upload_page_takes_an_lrm_with_its_pic_and_shows_files_in_the_preview(county: dict[str, Any]) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(county["clerk"])
    with mock.patch("imports.tasks.validate_import.delay"):
        response = client.post(
            reverse("imports:import-list"),
            {
                "unit": county["finance"].pk,
                "file": _named(builders.lrm(f1="未知"), "王小明.lrm"),
                "pic": _named(builders.JPEG, "王小明.pic"),
            },
        )
    job = ImportJob.objects.get()
    assert (job.kind, response.status_code) == (ImportKind.LRMX, 302)
    validate_job(job.pk)
    body = client.get(response["Location"] + "?rows=invalid").content.decode()
    assert "任免审批表导入" in body and "王小明.lrm" in body and "字段1" in body
    assert "下载标注错误的工作簿" not in body
    listing = client.get(reverse("imports:import-list")).content.decode()
    assert "任免审批表（LRMX/LRM）" in listing
    # A photo beside a workbook is refused, and nothing is recorded.
    response = client.post(
        reverse("imports:import-list"),
        {"unit": county["finance"].pk, "file": _named(roster([]), "a.xlsx"), "pic": _named(b"x", "a.pic")},
        follow=True,
    )
    assert "只能与 .lrm 文件一起上传" in response.content.decode()
    assert ImportJob.objects.count() == 1
