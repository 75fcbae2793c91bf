"""The uploaded workbook handed back with its problems marked: the sheet as
it was read (title rows, header, every row in place), each bad cell filled
red, a last column 错误说明 with the row's messages, and a sheet listing
every error with its row, column and field. The user fixes this copy and
uploads it again."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from python_calamine import CalamineWorkbook

from core.xlsx import STYLE_ERROR, STYLE_HEADER, STYLE_HEADER_ERROR, STYLE_WRAP, SheetSpec, Styled, write_workbook
from imports.models import ImportFile, ImportJob, ImportRow, RowStatus


def _errors(job: ImportJob) -> dict[int, list[dict[str, Any]]]:
    by_row: dict[int, list[dict[str, Any]]] = {}
    rows = ImportRow.objects.filter(job=job, status=RowStatus.INVALID).values_list("row_number", "errors")
    for row_number, errors in rows.iterator(chunk_size=5000):
        by_row[row_number] = errors
    return by_row


def _letter_index(letter: str) -> int:
    index = 0
    for char in letter:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def marked_workbook(job: ImportJob) -> bytes:
    data = bytes(ImportFile.objects.get(job=job).data)
    rows = (
        CalamineWorkbook.from_filelike(BytesIO(data)).get_sheet_by_name(job.sheet_name).to_python(skip_empty_area=False)
    )
    errors = _errors(job)
    header_row = job.header_row or 1
    width = max((len(r) for r in rows), default=0)

    def sheet_rows() -> Iterator[list[Any]]:
        for number, row in enumerate(rows, start=1):
            cells: list[Any] = [_plain(v) for v in row] + [None] * (width - len(row))
            if number == header_row:
                cells = [Styled(v, STYLE_HEADER) for v in cells] + [Styled("错误说明", STYLE_HEADER_ERROR)]
            elif number in errors:
                bad = {_letter_index(e["column"]) for e in errors[number] if e.get("column")}
                for index in bad:
                    if index < len(cells):
                        cells[index] = Styled(cells[index], STYLE_ERROR)
                messages = "；".join(
                    f"{e['column'] + '列' if e.get('column') else ''}{e['field']}：{e['message']}"
                    for e in errors[number]
                )
                cells.append(Styled(messages, STYLE_ERROR))
            yield cells

    listing: list[list[Any]] = [[Styled(h, STYLE_HEADER) for h in ("行号", "列", "项目", "错误说明")]]
    for number in sorted(errors):
        for e in errors[number]:
            listing.append([number, e.get("column") or "", e["field"], Styled(e["message"], STYLE_WRAP)])
    output = BytesIO()
    write_workbook(
        output,
        [
            SheetSpec(job.sheet_name or "花名册", sheet_rows(), freeze_rows=header_row, text_columns=width,
                      widths=[14] * width + [60]),
            SheetSpec("错误清单", listing, widths=(8, 6, 16, 80), freeze_rows=1),
        ],
    )  # fmt: skip
    return output.getvalue()


def _plain(value: Any) -> Any:
    """A cell as read, written back: dates as the roster writes them."""
    if value == "":
        return None
    if hasattr(value, "strftime"):
        return f"{value:%Y.%m.%d}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
