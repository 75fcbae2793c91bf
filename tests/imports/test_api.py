"""The import steps over the REST API."""

from __future__ import annotations

import datetime
import io
from typing import Any
from unittest import mock

from rest_framework.test import APIClient

from imports.commit import commit_job
from imports.models import ExportJob, ImportJob
from imports.validation import validate_job
from personnel.models import Cadre
from tests.imports.helpers import person, roster


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_poll_preview_confirm(county: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    api = _api(county["clerk"])
    data = roster([person("张明", datetime.date(1985, 3, 12), **{"民族": "汉"})])
    file = io.BytesIO(data)
    file.name = "花名册.xlsx"
    with mock.patch("imports.tasks.validate_import.delay"), django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {"file": file, "unit": county["finance"].pk}, format="multipart")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    validate_job(job_id)
    job = api.get(f"/api/v1/imports/{job_id}/").json()
    assert (job["status"], job["count_invalid"], job["can_commit"]) == ("validated", 1, False)
    rows = api.get(f"/api/v1/imports/{job_id}/rows/?status=invalid").json()["results"]
    assert rows[0]["errors"][0]["column"] == "D"
    refused = api.post(f"/api/v1/imports/{job_id}/commit/")
    assert refused.status_code == 409 and "有错误" in refused.json()["detail"]
    marked = api.get(f"/api/v1/imports/{job_id}/marked/")
    assert marked.status_code == 200 and marked["Content-Type"].startswith("application/vnd.openxmlformats")

    fixed = io.BytesIO(roster([person("张明", datetime.date(1985, 3, 12))]))
    fixed.name = "花名册.xlsx"
    with mock.patch("imports.tasks.validate_import.delay"), django_capture_on_commit_callbacks(execute=True):
        job_id = api.post("/api/v1/imports/", {"file": fixed, "unit": county["finance"].pk}, format="multipart").json()[
            "id"
        ]
    validate_job(job_id)
    new_rows = api.get(f"/api/v1/imports/{job_id}/rows/?status=new").json()
    assert new_rows["count"] == 1
    with mock.patch("imports.tasks.commit_import.delay"), django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/imports/{job_id}/commit/").status_code == 202
        again = api.post(f"/api/v1/imports/{job_id}/commit/")
    assert again.status_code == 409
    commit_job(job_id)
    assert api.get(f"/api/v1/imports/{job_id}/").json()["status"] == "committed"
    assert Cadre.objects.filter(name="张明").count() == 1


def test_upload_errors_are_field_errors(county: dict[str, Any]) -> None:
    api = _api(county["clerk"])
    response = api.post("/api/v1/imports/", {"unit": county["finance"].pk}, format="multipart")
    assert response.status_code == 400 and "请上传花名册文件" in response.content.decode()
    file = io.BytesIO(b"x")
    file.name = "a.xlsx"
    assert (
        api.post("/api/v1/imports/", {"file": file, "unit": county["other"].pk}, format="multipart").status_code == 404
    )
    file.seek(0)
    assert api.post("/api/v1/imports/", {"file": file, "unit": county["tax"].pk}, format="multipart").status_code in (
        403,
        404,
    )
    assert not ImportJob.objects.exists()
    bad = api.get("/api/v1/imports/1/rows/?status=nope")
    assert bad.status_code == 404


def test_template_and_export_job(county: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    api = _api(county["staff"])
    template = api.get("/api/v1/imports/template/")
    body = b"".join(template.streaming_content) if template.streaming else template.content  # type: ignore[attr-defined]
    assert template.status_code == 200 and body.startswith(b"PK")
    with mock.patch("imports.tasks.run_export.delay"), django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/exports/", {"query": "sex=1", "columns": ["name", "sex"]}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert api.get(f"/api/v1/exports/{job_id}/download/").status_code == 409
    from imports.exports import run_export_job

    run_export_job(job_id)
    assert api.get(f"/api/v1/exports/{job_id}/").json()["status"] == "done"
    assert api.get(f"/api/v1/exports/{job_id}/download/").status_code == 200
    assert _api(county["clerk"]).get(f"/api/v1/exports/{job_id}/").status_code == 404
    bad = api.post("/api/v1/exports/", {"query": "age_min=abc"}, format="json")
    assert bad.status_code == 400
    assert ExportJob.objects.count() == 1
