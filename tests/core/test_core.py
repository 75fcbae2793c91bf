"""core/: the user-facing error type and the Job base."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from alerts.models import CheckRun, RunStatus
from core.errors import ConflictError, UserError, user_messages
from imports.errors import CommitRefused
from imports.models import ExportJob, ExportStatus, ImportJob, ImportStatus
from imports.services import ImportRefused
from imports.xlsx import RejectedFile
from interchange.archive import UploadRejected
from personnel.api.exceptions import api_exception_handler


def test_every_refusal_with_a_chinese_message_is_a_user_error() -> None:
    for cls in (CommitRefused, ImportRefused, RejectedFile, UploadRejected):
        assert issubclass(cls, UserError)
    assert issubclass(ImportRefused, ConflictError)


def test_the_api_answers_a_user_error_with_its_status_and_message() -> None:
    response: Any = api_exception_handler(ConflictError("该导入已确认"), {})
    assert response.status_code == 409 and response.data == {"detail": "该导入已确认"}
    response = api_exception_handler(UserError("文件是空的"), {})
    assert response.status_code == 400 and response.data == {"detail": "文件是空的"}


def test_pages_show_the_same_sentences() -> None:
    assert user_messages(ConflictError("该导入已确认")) == ["该导入已确认"]
    assert user_messages(ValidationError(["一", "二"])) == ["一", "二"]
    assert user_messages(PermissionDenied("无权修改")) == ["无权修改"]


def test_job_progress_counts_rows_and_complete_statuses_show_full() -> None:
    job = ImportJob(status=ImportStatus.VALIDATING, rows_total=200, rows_done=50)
    assert job.progress_percent == 25 and not job.is_final
    job.status = ImportStatus.VALIDATED
    assert job.progress_percent == 100
    job.status = ImportStatus.COMMITTED
    assert job.is_final
    assert ExportJob(status=ExportStatus.RUNNING, rows_total=0).progress_percent == 0
    assert ExportJob(status=ExportStatus.DONE).progress_percent == 100
    run = CheckRun(status=RunStatus.RUNNING)
    assert run.progress_percent == 0 and not run.is_final
    run.status = RunStatus.DONE
    assert run.progress_percent == 100 and run.is_final


def test_a_page_shows_an_uncaught_user_error_with_its_status_and_sentence(rf: Any) -> None:
    from core.middleware import UserErrorMiddleware

    middleware = UserErrorMiddleware(lambda request: None)  # type: ignore[arg-type, return-value]
    request = rf.get("/imports/1/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, ConflictError("该导入已确认，不能再取消"))
    assert response is not None and response.status_code == 409
    assert "该导入已确认，不能再取消" in response.content.decode()
    assert middleware.process_exception(request, ValueError("x")) is None
