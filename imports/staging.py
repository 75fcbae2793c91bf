"""The staging of an import's rows: one result per data row of the file
(its status, errors, what the commit writes, the differences shown in the
preview), COPY-ed into the staging table by every kind of import (rosters,
form files) alike, and the job's progress writer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from core.xlsx import column_letter
from imports.models import ImportJob, ImportRow, RowStatus

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class RowResult:
    row_number: int
    source: str = ""  # what the preview calls the row; "第n行" when empty
    status: str = RowStatus.INVALID
    name: str = ""
    id_number: str = ""
    cadre_id: int | None = None
    cadre_version: int | None = None
    match_note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[list[str]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, column: int | None, label: str, message: str) -> None:
        self.errors.append(
            {
                "row": self.row_number,
                "column": column_letter(column) if column is not None else "",
                "field": label,
                "message": message,
            }
        )


_COPY_COLUMNS = (
    "job_id, row_number, source, status, name, id_number, cadre_id, cadre_version, match_note, data, changes, errors"
)


def stage_rows(job: ImportJob, results: Iterable[RowResult], *, batch: int = 5000) -> dict[str, int]:
    """COPY the rows into the staging table as they come, in batches (each
    its own statement, so progress can be written between them); returns
    the counts. Earlier attempts' rows are removed first: a rerun after a
    crash starts clean."""
    ImportRow.objects.filter(job=job).delete()
    counts = dict.fromkeys(RowStatus.values, 0)
    counts["errors"] = 0
    dumps = json.dumps
    pending: list[tuple[Any, ...]] = []

    def flush() -> None:
        if not pending:
            return
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {ImportRow._meta.db_table} ({_COPY_COLUMNS}) FROM STDIN") as copy,
        ):
            for values in pending:
                copy.write_row(values)
        pending.clear()

    for r in results:
        counts[r.status] += 1
        counts["errors"] += len(r.errors)
        pending.append(
            (
                job.pk,
                r.row_number,
                (r.source or f"第{r.row_number}行")[:255],
                r.status,
                r.name[:100],
                r.id_number[:40],
                r.cadre_id,
                r.cadre_version,
                r.match_note,
                dumps(r.data, ensure_ascii=False) if r.data else "{}",
                dumps(r.changes, ensure_ascii=False) if r.changes else "[]",
                dumps(r.errors, ensure_ascii=False) if r.errors else "[]",
            )
        )
        if len(pending) >= batch:
            flush()
    flush()
    return counts


def progress_writer(job: ImportJob) -> Progress:
    return ImportJob.progress_writer(job.pk)
