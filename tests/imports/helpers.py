"""Rosters for tests: built with openpyxl the way users' own files are
(title rows, their own header names, typed dates), or from our template."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from typing import Any
from unittest import mock

from openpyxl import Workbook, load_workbook

from accounts.models import User
from imports import services
from imports.commit import commit_job
from imports.models import ImportJob
from imports.validation import validate_job
from personnel.models import Unit
from tests.factories import id_number_for

HEADERS = ("序号", "姓名", "性别", "民族", "出生年月", "公民身份号码", "现任职务", "任现职时间", "所在单位")


def person(name: str, birth: datetime.date, sex: str = "1", /, **extra: Any) -> dict[str, Any]:
    """One row's values by header; the ID number agrees with birth and sex."""
    row = {
        "姓名": name,
        "性别": "男" if sex == "1" else "女",
        "民族": "汉族",
        "出生年月": f"{birth:%Y.%m}",
        "公民身份号码": id_number_for(birth, sex),
        "现任职务": "科员",
        "任现职时间": "2020.01",
    }
    row.update(extra)
    return row


def roster(
    rows: Sequence[dict[str, Any]],
    headers: Sequence[str] = HEADERS,
    *,
    title_rows: Sequence[str] = (),
    sheet: str = "花名册",
    blank_rows_after: Sequence[int] = (),
) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for title in title_rows:
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    ws.append(list(headers))
    for index, values in enumerate(rows):
        ws.append([values.get(h, index + 1 if h == "序号" else None) for h in headers])
        if index in blank_rows_after:
            ws.append([])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def edit(data: bytes, changes: dict[tuple[int, str], Any], *, sheet: str = "花名册") -> bytes:
    """Change cells of a workbook: {(row, header): value}."""
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet]
    header_row = next(r for r in range(1, 20) if any(c.value == "姓名" for c in ws[r]))
    columns = {c.value: c.column for c in ws[header_row]}
    for (row, header), value in changes.items():
        ws.cell(row=row, column=columns[header]).value = value
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(actor: User, unit: Unit, data: bytes, filename: str = "花名册.xlsx") -> ImportJob:
    """Upload and validate (the worker's part run inline)."""
    with mock.patch("imports.tasks.validate_import.delay"):
        job = services.import_upload(actor=actor, unit=unit, filename=filename, data=data)
    return validate_job(job.pk)


def commit(actor: User, job: ImportJob) -> ImportJob:
    with mock.patch("imports.tasks.commit_import.delay"):
        services.import_commit(actor=actor, job=job)
    return commit_job(job.pk)


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same workbook with parts replaced or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()
