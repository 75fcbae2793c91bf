"""The import pages and downloads in the browser."""

from __future__ import annotations

import datetime
import io
from typing import Any
from unittest import mock

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ExportJob, ExportStatus, ImportJob, ImportStatus
from imports.roster import TEMPLATE_FIELDS, TEMPLATE_VERSION
from imports.xlsx import inspect_workbook
from personnel.models import Cadre
from tests.factories import make_cadre
from tests.imports.helpers import person, roster, upload


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_template_has_headers_dropdowns_instructions_and_version(county: dict[str, Any]) -> None:
    response = _client(county["clerk"]).get(reverse("imports:template"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    data = response.content
    assert inspect_workbook(data).template_version == TEMPLATE_VERSION
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["花名册", "填写说明", "代码"]
    assert workbook["代码"].sheet_state == "hidden"
    sheet = workbook["花名册"]
    assert [c.value for c in sheet[1]] == [f.label for f in TEMPLATE_FIELDS]
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["D2:D5000"] == "代码_GB3304"
    assert "代码_GB3304" in workbook.defined_names
    ethnicities = [row[0].value for row in workbook["代码"].iter_rows(min_row=2) if row[0].value]
    assert "汉族" in ethnicities
    instructions = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "留空的单元格表示“不修改”" in instructions and "公民身份号码" in instructions


def test_the_template_filled_in_imports(county: dict[str, Any]) -> None:
    data = _client(county["clerk"]).get(reverse("imports:template")).content
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["花名册"]
    columns = {c.value: c.column for c in sheet[1]}
    values = person("张明", datetime.date(1985, 3, 12), **{"全日制学历": "大学", "职级": "一级主任科员"})
    for header, value in values.items():
        sheet.cell(row=2, column=columns[header]).value = value
    output = io.BytesIO()
    workbook.save(output)
    job = upload(county["clerk"], county["finance"], output.getvalue())
    assert job.template_version == TEMPLATE_VERSION
    assert job.count_new == 1, job.message


def test_upload_page_queues_validation_and_shows_the_preview(
    county: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(county["clerk"])
    page = client.get(reverse("imports:import-list"))
    assert "上传并校验" in page.content.decode() and "县财政局" in page.content.decode()
    data = roster([person("张明", datetime.date(1985, 3, 12), **{"民族": "汉"})])
    with mock.patch("imports.tasks.validate_import.delay") as queued, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import-list"),
            {"unit": county["finance"].pk, "file": io.BytesIO(data)},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:import-detail", args=[job.pk])
    queued.assert_called_once_with(job.pk)
    running = client.get(response["Location"]).content.decode()
    assert "progressbar" in running and "等待校验" in running
    from imports.validation import validate_job

    validate_job(job.pk)
    body = client.get(response["Location"]).content.decode()
    assert "是否应为“汉族”" in body and "下载标注错误的工作簿" in body
    assert "确认导入" not in body


def test_marked_workbook_marks_bad_cells_and_explains(county: dict[str, Any]) -> None:
    rows = [
        person("张明", datetime.date(1985, 3, 12)),
        person("李华", datetime.date(1990, 7, 5), "2", **{"民族": "汉", "任现职时间": "2019.13"}),
    ]
    job = upload(county["clerk"], county["finance"], roster(rows, title_rows=["财政局花名册"]))
    response = _client(county["clerk"]).get(reverse("imports:import-marked", args=[job.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["花名册"]
    assert sheet["A1"].value == "财政局花名册"
    assert sheet.cell(row=2, column=10).value == "错误说明"
    assert sheet["D4"].value == "汉" and sheet["D4"].fill.fgColor.rgb == "FFFFC7CE"
    assert sheet["D3"].fill.fgColor.rgb != "FFFFC7CE"
    assert "D列民族" in sheet.cell(row=4, column=10).value and "H列任现职时间" in sheet.cell(row=4, column=10).value
    listing = [[c.value for c in row] for row in workbook["错误清单"].iter_rows(min_row=2)]
    assert [r[:3] for r in listing] == [[4, "D", "民族"], [4, "H", "任现职时间"]]
    # Fixed and uploaded again, it passes.
    fixed = io.BytesIO()
    sheet["D4"] = "汉族"
    sheet["H4"] = "2019.12"
    sheet.delete_cols(10)
    workbook.save(fixed)
    again = upload(county["clerk"], county["finance"], fixed.getvalue())
    assert (again.count_new, again.count_invalid) == (2, 0)


def test_commit_from_the_page(county: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    job = upload(county["clerk"], county["finance"], roster([person("张明", datetime.date(1985, 3, 12))]))
    client = _client(county["clerk"])
    assert (
        "确认导入（新增 1 人，变更 0 人）"
        in client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    )
    with mock.patch("imports.tasks.commit_import.delay") as queued, django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("imports:import-commit", args=[job.pk]))
        assert first.status_code == 302, first.content
        second = client.post(reverse("imports:import-commit", args=[job.pk]), follow=True)
    assert queued.call_count == 1
    assert "正在导入，请勿重复提交" in second.content.decode()


def test_jobs_are_scoped(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], roster([person("张明", datetime.date(1985, 3, 12))]))
    assert _client(county["staff"]).get(reverse("imports:import-detail", args=[job.pk])).status_code == 200
    for outsider in (county["other_clerk"], county["leader"]):
        client = _client(outsider)
        assert client.get(reverse("imports:import-detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("imports:import-status", args=[job.pk])).status_code == 404
        assert client.post(reverse("imports:import-commit", args=[job.pk])).status_code == 404
        assert "张明" not in client.get(reverse("imports:import-list")).content.decode()


def test_roster_export_round_trips_and_masks_for_leaders(county: dict[str, Any]) -> None:
    cadre = make_cadre(county["finance"], name="张明", current_post="科员")
    response = _client(county["clerk"]).get(reverse("imports:roster-export"))
    assert response.status_code == 200
    assert cadre.id_number is not None
    assert cadre.id_number.encode() in _sheet_xml(response.content)
    job = upload(county["clerk"], county["finance"], response.content)
    assert (job.count_unchanged, job.count_changed, job.count_new) == (1, 0, 0)
    leader = _client(county["leader"]).get(reverse("imports:roster-export"))
    assert cadre.id_number.encode() not in _sheet_xml(leader.content)


def test_roster_export_with_the_lists_columns(county: dict[str, Any]) -> None:
    make_cadre(county["finance"], name="张明")
    response = _client(county["staff"]).get(reverse("imports:roster-export") + "?cols=sex,unit")
    sheet = load_workbook(io.BytesIO(response.content))["花名册"]
    assert [c.value for c in sheet[1]] == ["姓名", "性别", "所在单位", "公民身份号码"]


def test_a_long_export_runs_as_a_job(
    county: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CADRE_EXPORT_SYNC_ROWS = 1
    for i in range(3):
        make_cadre(county["finance"], name=f"人{i}", birth_date=datetime.date(1980, 1 + i, 1))
    client = _client(county["clerk"])
    with mock.patch("imports.tasks.run_export.delay") as queued, django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("imports:roster-export"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("imports:export-detail", args=[job.pk])
    queued.assert_called_once_with(job.pk)
    from imports.exports import run_export_job

    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_total == 3
    assert "下载" in client.get(response["Location"]).content.decode()
    download = client.get(reverse("imports:export-download", args=[job.pk]))
    assert load_workbook(io.BytesIO(download.content))["花名册"].max_row == 4
    assert _client(county["staff"]).get(reverse("imports:export-download", args=[job.pk])).status_code == 404
    assert Cadre.objects.count() == 3


def test_rejected_upload_shows_why(county: dict[str, Any]) -> None:
    job = upload(county["clerk"], county["finance"], b"not a workbook")
    body = _client(county["clerk"]).get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert job.status == ImportStatus.REJECTED
    assert "不是 Excel 工作簿" in body


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")
