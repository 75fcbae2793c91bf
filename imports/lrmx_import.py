"""Import of 干部任免审批表 files (``.lrmx``, ``.lrm`` with its ``.pic``, or a
``.zip`` of many) through the two-step import of issue 4: validation stages
one ImportRow per file (new / changed / unchanged / invalid, with the
differences cell by cell of the form), the commit writes them all in one
transaction or nothing.

Matching a file to a stored person: by ID number; else (the number is
missing, or no one has it) by name and birth month (year and month of
出生年月), only among people without an ID number or with the file's. Several
stored people with that name and month, or two files for the same person,
is an error the user resolves (by putting the ID number in the file, or
removing the extra file). A matched person outside the uploader's scope is
an error that says nothing of where that person is.

The commit does not trust what validation saw: it reads the stored upload
again (the same bytes, the same archive order, so row n is file n; each
row's file name is checked), re-checks every match and the version of
every changed person, and writes with ``interchange.apply.apply_records``
(batched: a fixed number of statements per 200 files, history rows written
by the triggers under the job's history context). Re-parsing costs about
2 s for 1,000 files with photos, much less than keeping the parsed records
(photos included) in the staging table and reading them back.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.access import SYSTEM, scope_of
from core.errors import UserError
from imports.errors import CommitRefused
from imports.models import ImportFile, ImportJob, ImportKind, ImportRow, RowStatus
from imports.staging import RowResult, progress_writer, stage_rows
from imports.xlsx import RejectedFile
from interchange import lrm
from interchange.apply import RecordsInvalid, apply_records, plan_records
from interchange.archive import UploadRejected, read_upload
from interchange.codes import CodeBook
from interchange.diff import diff_records
from interchange.from_cadre import cadres_with_records, record_from_loaded
from interchange.parsed import ParsedRecord
from personnel.models import Cadre

LRMX_EXTENSIONS = (".lrmx", ".lrm", ".zip")
BATCH = 200

MATCH_BY_ID = "按公民身份号码匹配"
MATCH_BY_NAME = "按姓名和出生年月匹配"
MATCH_NEW = "新增人员"


class UploadRefused(UserError):
    """An upload the form refuses outright; ``message`` is for the user."""


def _extension(filename: str) -> str:
    return posixpath.splitext(filename or "")[1].lower()


def upload_kind(filename: str, data: bytes) -> str:
    """The job kind of an upload. The extension says it for the known ones;
    a zip without one is a roster when it holds a workbook, else form
    files; XML is a form file; anything else goes to the roster reader,
    whose message says what it expected."""
    extension = _extension(filename)
    if extension == ".xlsx":
        return ImportKind.ROSTER
    if extension in LRMX_EXTENSIONS:
        return ImportKind.LRMX
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return ImportKind.ROSTER
        return ImportKind.ROSTER if "[Content_Types].xml" in names else ImportKind.LRMX
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<Person")):
        return ImportKind.LRMX
    return ImportKind.ROSTER


def upload_payload(filename: str, data: bytes, pic: bytes | None) -> bytes:
    """What is stored for an upload: the file itself, or for an ``.lrm``
    with its ``.pic`` both in one zip (named after the ``.lrm``, so the
    archive reader pairs them), which keeps the job's one stored file."""
    if pic is None:
        return data
    if _extension(filename) != ".lrm":
        raise UploadRefused("照片文件（.pic）只能与 .lrm 文件一起上传；.lrmx 文件的照片在文件之内")
    stem = posixpath.splitext(posixpath.basename(filename.replace("\\", "/")))[0] or "form"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in ((f"{stem}.lrm", data), (f"{stem}.pic", pic)):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def read_job_records(job: ImportJob, data: bytes, codes: CodeBook) -> Iterator[ParsedRecord]:
    """The records of a job's stored upload, in archive order. A refused
    upload raises RejectedFile (the job is then 文件未通过)."""
    filename = job.filename
    if data.startswith(b"PK\x03\x04") and _extension(filename) != ".zip":
        filename = f"{posixpath.splitext(filename)[0]}.zip"  # an .lrm stored with its .pic, or a zip without .zip
    elif _extension(filename) not in LRMX_EXTENSIONS:
        filename = f"{filename}.lrmx"  # upload_kind saw XML in a file without the extension
    try:
        yield from read_upload(data, filename, codes=codes)
    except UploadRejected as exc:
        raise RejectedFile(exc.message) from None


def expected_files(job: ImportJob, data: bytes) -> int:
    """How many form files an upload holds (for the progress bar)."""
    if not data.startswith(b"PK\x03\x04"):
        return 1
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return 1
    return max(1, sum(1 for name in names if _extension(name) in (".lrmx", ".lrm")))


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    pk: int
    version: int
    unit_path: str
    unit_name: str
    name: str
    birth: tuple[int, int]
    id_number: str


def _column(source: str, element: str) -> str:
    return lrm.COLUMNS.get(element, element) if _extension(source) == ".lrm" else element


def _name(record: ParsedRecord) -> str:
    return "".join(str(record.cadre.get("name") or "").split())


def _birth(record: ParsedRecord) -> tuple[int, int] | None:
    birth = record.cadre.get("birth_date")
    return (birth.value.year, birth.value.month) if birth is not None else None


@dataclass
class Match:
    person: Person | None = None
    note: str = ""
    error: tuple[str, str, str] | None = None  # (field label, element, message)


def _people(query: Q) -> list[Person]:
    rows = Cadre.objects.filter(query).values_list(
        "pk", "version", "unit__path", "unit__name", "name", "birth_date", "id_number"
    )
    return [
        Person(pk, v, path, unit, name, (b.year, b.month), number or "") for pk, v, path, unit, name, b, number in rows
    ]


def match_records(records: list[ParsedRecord]) -> list[Match]:
    """Each record's stored person (or none: a new person), by ID number,
    else by name and birth month; ambiguous and duplicate matches are
    errors. Two queries whatever the number of files."""
    numbers = {str(r.cadre["id_number"]) for r in records if not r.errors and r.cadre.get("id_number")}
    by_number = {p.id_number: p for p in _people(Q(id_number__in=numbers))} if numbers else {}
    names = {_name(r) for r in records if not r.errors and str(r.cadre.get("id_number") or "") not in by_number}
    by_name: dict[tuple[str, tuple[int, int]], list[Person]] = {}
    if names:
        for person in _people(Q(name__in=names)):
            by_name.setdefault((person.name, person.birth), []).append(person)
    matches: list[Match] = []
    for record in records:
        if record.errors:
            matches.append(Match())
            continue
        number = str(record.cadre.get("id_number") or "")
        if number in by_number:
            matches.append(Match(by_number[number], MATCH_BY_ID))
            continue
        birth = _birth(record)
        # Someone with another ID number is someone else.
        found = by_name.get((_name(record), birth), []) if birth is not None else []
        candidates = [p for p in found if not p.id_number or p.id_number == number]
        if len(candidates) == 1:
            matches.append(Match(candidates[0], MATCH_BY_NAME))
        elif candidates:
            matches.append(
                Match(
                    note=MATCH_BY_NAME,
                    error=(
                        "姓名",
                        "XingMing",
                        f"系统中有多名姓名为“{_name(record)}”、出生年月为{birth[0]}.{birth[1]:02d}的人员"  # type: ignore[index]
                        "，无法确定对应哪一位；请在文件中填写公民身份号码后重新上传",
                    ),
                )
            )
        else:
            matches.append(Match(note=MATCH_NEW))
    _mark_duplicates(records, matches)
    return matches


def _mark_duplicates(records: list[ParsedRecord], matches: list[Match]) -> None:
    """Two files for one person: the same stored person, the same ID number,
    or (for new people) the same name and birth month where a file lacks
    the ID number."""
    groups: dict[Any, list[int]] = {}
    for index, (record, match) in enumerate(zip(records, matches, strict=True)):
        if record.errors or match.error:
            continue
        number = str(record.cadre.get("id_number") or "")
        if match.person is not None:
            groups.setdefault(("cadre", match.person.pk), []).append(index)
        elif number:
            groups.setdefault(("id", number), []).append(index)
    by_name: dict[Any, list[int]] = {}
    for index, (record, match) in enumerate(zip(records, matches, strict=True)):
        if not record.errors and not match.error and match.person is None:
            by_name.setdefault((_name(record), _birth(record)), []).append(index)
    for indexes in by_name.values():
        if len(indexes) > 1 and any(not records[i].cadre.get("id_number") for i in indexes):
            groups.setdefault(("name", indexes[0]), []).extend(indexes)
    for indexes in groups.values():
        indexes = sorted(set(indexes))
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = "、".join(f"第{i + 1}个文件“{records[i].source}”" for i in indexes if i != index)
            matches[index].error = (
                "文件",
                "文件",
                f"与{others}是同一人，同一人只能有一个文件；请删去多余的文件后重新上传",
            )


def _error(row: int, column: str, label: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "field": label, "message": message}


def _scope_error(job: ImportJob, person: Person, scope: Any) -> str:
    if not scope.can_import_path(person.unit_path):
        # Say nothing of where the person is: the uploader may not know.
        return "该人员不在您的管理范围内，不能通过本次导入修改；请联系组织部门"
    if not person.unit_path.startswith(job.unit.path):
        return (
            f"该人员现属于“{person.unit_name}”，不在本次导入单位“{job.unit.name}”及其下级单位中；"
            "请在其所在单位或共同上级单位导入"
        )
    return ""


# --- validation -------------------------------------------------------------------------------


def validate_lrmx(job: ImportJob, data: bytes) -> dict[str, int]:
    """Validate a job of form files and stage one row per file; returns the
    counts (imports.validation.validate_job calls this)."""
    progress = progress_writer(job)
    total = expected_files(job, data)
    codes = CodeBook()
    records: list[ParsedRecord] = []
    for record in read_job_records(job, data, codes):
        records.append(record)
        if len(records) % 50 == 0:
            progress(len(records) * 4 // 5, total)
    total = len(records)
    scope = scope_of(job.uploaded_by)
    matches = match_records(records)
    results: list[RowResult] = []
    stored: dict[int, Cadre] = {}
    wanted = [m.person.pk for m in matches if m.person is not None]
    for offset in range(0, len(wanted), BATCH):
        part = wanted[offset : offset + BATCH]
        stored.update((c.pk, c) for c in cadres_with_records(Cadre.objects.filter(pk__in=part)))
    to_plan: list[tuple[ParsedRecord, Cadre | None, RowResult]] = []
    for number, (record, match) in enumerate(zip(records, matches, strict=True), start=1):
        result = RowResult(row_number=number, source=record.source, name=_name(record)[:100], match_note=match.note)
        result.id_number = str(record.cadre.get("id_number") or "")
        for issue in record.errors:
            result.errors.append(
                {"row": number, "column": issue.column, "field": issue.field, "message": issue.message}
            )
        if match.error:
            label, element, message = match.error
            result.errors.append(
                {"row": number, "column": _column(record.source, element), "field": label, "message": message}
            )
        cadre = _matched(job, scope, record, match, stored, result)
        if not result.errors:
            _compare(record, cadre, result)
            if result.status in (RowStatus.NEW, RowStatus.CHANGED):
                to_plan.append((record, cadre, result))
        record_warnings = [{"column": w.column, "field": w.field, "message": w.message} for w in record.warnings]
        result.data = {"warnings": record_warnings} if record_warnings else {}
        results.append(result)
        if number % 100 == 0:
            progress(total * 4 // 5 + number // 5, total)
    # What the commit would refuse (a field too long for the registry, an
    # ID number someone else has …) is shown now, not after the confirmation.
    for offset in range(0, len(to_plan), BATCH):
        batch = to_plan[offset : offset + BATCH]
        try:
            plan_records(unit=job.unit, items=[(record, cadre) for record, cadre, _ in batch])
        except RecordsInvalid as exc:
            for record, _, result in batch:
                for message in exc.problems.get(record.source, []):
                    result.errors.append({"row": result.row_number, "column": "", "field": "", "message": message})
    for result in results:
        if result.errors:
            result.status = RowStatus.INVALID
            result.changes = []
    return stage_rows(job, results)


def _matched(
    job: ImportJob, scope: Any, record: ParsedRecord, match: Match, stored: dict[int, Cadre], result: Any
) -> Cadre | None:
    """The stored cadre a valid record updates, or None (a new person, or
    an error added to the result)."""
    person = match.person
    if person is None or result.errors:
        return None
    result.cadre_id = person.pk
    by_id = match.note == MATCH_BY_ID
    problem = _scope_error(job, person, scope)
    if problem:
        # An out-of-scope person is not linked in the preview either.
        result.cadre_id = None
        result.errors.append(
            {
                "row": result.row_number,
                "column": _column(record.source, "ShenFenZheng" if by_id else "XingMing"),
                "field": "公民身份号码" if by_id else "姓名",
                "message": problem,
            }
        )
        return None
    cadre = stored.get(person.pk)
    if cadre is None:
        result.errors.append(
            {"row": result.row_number, "column": "文件", "field": "文件", "message": "匹配到的人员刚被删除，请重新上传"}
        )
        return None
    result.cadre_version = cadre.version
    result.id_number = result.id_number or (cadre.id_number or "")
    return cadre


def _compare(record: ParsedRecord, cadre: Cadre | None, result: Any) -> None:
    if cadre is None:
        result.status = RowStatus.NEW
        return
    changes = diff_records(record_from_loaded(cadre), record)
    result.changes = [[c.field, c.label, c.old, c.new] for c in changes]
    result.status = RowStatus.CHANGED if changes else RowStatus.UNCHANGED


# --- commit -----------------------------------------------------------------------------------


def commit_lrmx(job: ImportJob) -> dict[str, int]:
    """Write a confirmed job of form files; runs inside commit_job's
    transaction and history context. Raises CommitRefused (everything is
    rolled back) when anything moved since the preview."""
    if job.committed_by is None:
        raise CommitRefused("该导入尚未由任何人确认")
    scope = scope_of(job.committed_by)
    if not scope.can_import_path(job.unit.path):
        raise CommitRefused(f"您无权向“{job.unit.name}”导入人员")
    rows = list(
        ImportRow.objects.filter(job=job, status__in=[RowStatus.NEW, RowStatus.CHANGED])
        .order_by("row_number")
        .values_list("row_number", "source", "status", "cadre_id", "cadre_version")
    )
    data = bytes(ImportFile.objects.get(job=job).data)
    try:
        records = list(read_job_records(job, data, CodeBook()))
    except RejectedFile as exc:
        raise CommitRefused(exc.message) from None

    def refuse(sources: list[str], why: str) -> CommitRefused:
        named = "、".join(f"“{s}”" for s in sources[:5]) + (f"等{len(sources)}个文件" if len(sources) > 5 else "")
        return CommitRefused(f"{named}{why}，导入已全部取消；请重新上传文件，核对预览后再确认")

    for row_number, source, *_ in rows:
        if row_number > len(records) or records[row_number - 1].source != source:
            raise CommitRefused("上传的文件与预览时不一致，导入已取消；请重新上传")
    # Lock the changed people, then check nobody changed them since the preview.
    changed = {
        cadre_id: (source, version) for _, source, status, cadre_id, version in rows if status == RowStatus.CHANGED
    }
    locked = dict(
        Cadre.objects.select_for_update(of=("self",)).filter(pk__in=list(changed)).values_list("pk", "version")
    )
    stale = [source for pk, (source, version) in changed.items() if locked.get(pk) != version]
    if stale:
        raise refuse(stale, "中人员的记录在预览之后已被修改或删除")
    # The matching again: a new person's file that now matches someone
    # (created since the preview) must not make a second record.
    new_rows = [(n, s) for n, s, status, _, _ in rows if status == RowStatus.NEW]
    rematched = match_records([records[n - 1] for n, _ in new_rows])
    taken = [s for (_, s), m in zip(new_rows, rematched, strict=True) if m.person is not None or m.error]
    if taken:
        raise refuse(taken, "中的人员在预览之后已被他人录入系统")
    paths = set(Cadre.objects.filter(pk__in=list(changed)).values_list("unit__path", flat=True))
    if any(not scope.can_import_path(p) or not p.startswith(job.unit.path) for p in paths):
        raise CommitRefused("文件中有人员所在单位不在您的管理范围内，导入已取消")
    written = 0
    for offset in range(0, len(rows), BATCH):
        part = rows[offset : offset + BATCH]
        ids = [cadre_id for _, _, status, cadre_id, _ in part if status == RowStatus.CHANGED]
        loaded = {c.pk: c for c in cadres_with_records(Cadre.objects.filter(pk__in=ids))} if ids else {}
        items = [(records[n - 1], loaded[cadre_id] if cadre_id else None) for n, _, _, cadre_id, _ in part]
        try:
            # Scoped above with the import's rule (can_import_path), as the roster commit is.
            written += len(apply_records(actor=SYSTEM, unit=job.unit, items=items))
        except RecordsInvalid as exc:
            raise refuse(list(exc.problems), f"有错误（{'；'.join(exc.messages[:3])}）") from None
    if written != len(rows):
        raise CommitRefused("预览之后有人员记录被他人修改，导入已取消；请重新上传文件，核对预览后再确认")
    return {"written": written}
