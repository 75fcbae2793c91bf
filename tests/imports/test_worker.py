"""Upload → validation → commit through a real Celery worker and the
configured broker (Redis in CI, the filesystem transport without it)."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest

from imports import services
from imports.models import ImportJob, ImportStatus
from personnel.models import Cadre
from tests.imports.helpers import person, roster


@pytest.fixture
def worker(live_worker: None) -> None:
    """A real worker, and the code tables a transactional test starts without."""
    from personnel.codes import load_codes

    load_codes()


def _wait(job_id: int, *statuses: str, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} stayed {ImportJob.objects.get(pk=job_id).status}")


def test_a_roster_goes_through_the_worker(worker: None, county: dict[str, Any]) -> None:
    data = roster([person("张明", datetime.date(1985, 3, 12)), person("李华", datetime.date(1990, 7, 5), "2")])
    job = services.import_upload(actor=county["clerk"], unit=county["finance"], filename="花名册.xlsx", data=data)
    job = _wait(job.pk, ImportStatus.VALIDATED, ImportStatus.REJECTED)
    assert (job.status, job.count_new) == (ImportStatus.VALIDATED, 2), job.message
    services.import_commit(actor=county["clerk"], job=job)
    job = _wait(job.pk, ImportStatus.COMMITTED, ImportStatus.FAILED)
    assert job.status == ImportStatus.COMMITTED, job.message
    assert set(Cadre.objects.values_list("name", flat=True)) == {"张明", "李华"}


def test_a_zip_of_form_files_goes_through_the_worker(worker: None, county: dict[str, Any]) -> None:
    from imports.lrmx_import import upload_kind
    from tests.imports.test_lrmx_import import form
    from tests.interchange import builders

    data = builders.zip_of(
        {
            "孙丽.lrmx": form("孙丽", datetime.date(1990, 7, 5), "2"),
            "周全.lrmx": form("周全", datetime.date(1985, 1, 9)),
        }
    )
    job = services.import_upload(
        actor=county["clerk"], unit=county["finance"], filename="审批表.zip", data=data, kind=upload_kind("a.zip", data)
    )
    job = _wait(job.pk, ImportStatus.VALIDATED, ImportStatus.REJECTED)
    assert (job.status, job.count_new) == (ImportStatus.VALIDATED, 2), job.message
    services.import_commit(actor=county["clerk"], job=job)
    job = _wait(job.pk, ImportStatus.COMMITTED, ImportStatus.FAILED)
    assert job.status == ImportStatus.COMMITTED, job.message
    assert set(Cadre.objects.values_list("name", flat=True)) == {"孙丽", "周全"}
