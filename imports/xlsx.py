"""Workbooks in: upload hardening and the first look at a workbook.

In: an uploaded file is checked by its bytes before any parser sees it — its
size, that it is a zip and an Office Open XML workbook (not a macro-enabled
one, not the old binary format renamed), that the zip cannot expand into a
bomb (entry count, total uncompressed size, compression ratio), that no XML
part carries a DTD (so no entity can be expanded) — and the sheet to import
is scanned for formula cells. Each rejection is a Chinese message.

The .xlsx writer lives in ``core.xlsx``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import IO

import defusedxml.ElementTree as SafeET
from django.conf import settings

from core.errors import UserError
from core.xlsx import CT_NS, MAIN_NS, PKG_REL_NS, REL_NS, WORKBOOK_TYPE

TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
MACRO_TYPES = (
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The custom document property that marks our template, and its version.
TEMPLATE_PROPERTY = "CadreRosterTemplate"


class RejectedFile(UserError):
    """A file refused before (or while) reading it; ``message`` is for the user."""


@dataclass(frozen=True)
class SheetRef:
    name: str
    part: str  # e.g. "xl/worksheets/sheet1.xml"
    hidden: bool


@dataclass(frozen=True)
class WorkbookInfo:
    sheets: tuple[SheetRef, ...]
    template_version: str


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def inspect_workbook(data: bytes) -> WorkbookInfo:
    """Check an uploaded workbook by its bytes; raise RejectedFile or return
    its sheets (name, XML part, hidden) and our template version, if any."""
    limit = settings.CADRE_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise RejectedFile(f"文件大小为{_human(len(data))}，超过上限{_human(limit)}，请拆分后分批导入")
    if not data:
        raise RejectedFile("文件是空的")
    if data.startswith(OLE2_MAGIC):
        raise RejectedFile("这是旧版 .xls 格式或已加密的工作簿，请在 Excel/WPS 中取消密码并另存为 .xlsx 后再导入")
    if not data.startswith(ZIP_MAGIC):
        raise RejectedFile("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写后导入")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RejectedFile("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开") from None
    _check_zip(entries)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise RejectedFile("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写后导入")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            _refuse_dtd(archive, entry)
    types = _content_types(archive)
    if any(t in MACRO_TYPES for t in types.values()) or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise RejectedFile("该工作簿含有宏（.xlsm），不能导入；请另存为不含宏的 .xlsx 文件")
    main = [part for part, kind in types.items() if kind in (WORKBOOK_TYPE, TEMPLATE_TYPE)]
    if not main:
        raise RejectedFile("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写后导入")
    sheets = _sheets(archive, main[0])
    return WorkbookInfo(sheets=sheets, template_version=_template_version(archive, names))


def _check_zip(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > settings.CADRE_IMPORT_MAX_ZIP_ENTRIES:
        raise RejectedFile(
            f"工作簿内部含有{len(entries)}个部件，超过上限{settings.CADRE_IMPORT_MAX_ZIP_ENTRIES}，疑似恶意文件"
        )
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise RejectedFile("工作簿已加密，请取消密码后再导入")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RejectedFile("工作簿使用了不支持的压缩方式，请在 Excel/WPS 中另存为 .xlsx 后再导入")
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > settings.CADRE_IMPORT_MAX_RATIO:
            raise RejectedFile(
                f"工作簿部件“{entry.filename}”的压缩比为{ratio:.0f}:1，超过上限"
                f"{settings.CADRE_IMPORT_MAX_RATIO}:1，疑似压缩炸弹，已拒绝"
            )
    if total > settings.CADRE_IMPORT_MAX_UNCOMPRESSED:
        raise RejectedFile(
            f"工作簿解压后为{_human(total)}，超过上限{_human(settings.CADRE_IMPORT_MAX_UNCOMPRESSED)}，疑似压缩炸弹，已拒绝"
        )


_PROLOG_LIMIT = 1 << 20


def _prolog(stream: IO[bytes]) -> bytes | None:
    """The part's prolog: everything before the root element, skipping the
    XML declaration, processing instructions, comments and whitespace.
    None when a DTD (<!DOCTYPE …>) or stray text stands there, or the
    prolog is absurdly long."""
    buffer = b""
    position = 0
    while True:
        if len(buffer) - position < 4096 and len(buffer) < _PROLOG_LIMIT:
            chunk = stream.read(65536)
            buffer += chunk
        rest = buffer[position:]
        stripped = rest.lstrip()
        position += len(rest) - len(stripped)
        if not stripped:
            return buffer
        if stripped.startswith(b"<?"):
            terminator = b"?>"
        elif stripped.startswith(b"<!--"):
            terminator = b"-->"
        elif stripped.startswith(b"<!") or not stripped.startswith(b"<"):
            return None  # a DOCTYPE before the root, or text no XML may hold there
        else:
            return buffer[:position]
        end = buffer.find(terminator, position)
        if end < 0:
            if len(buffer) >= _PROLOG_LIMIT:
                return None
            continue
        position = end + len(terminator)


def _refuse_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """A DTD can only stand before the root element: the prolog of each part
    is read (past declarations, comments and processing instructions) and a
    part with a DTD is refused rather than parsed. Parts in another encoding
    than UTF-8 (which Excel never writes) are refused too, since their bytes
    would hide a DTD from this check."""
    with archive.open(entry) as stream:
        head = stream.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            raise RejectedFile(f"工作簿部件“{entry.filename}”不是 UTF-8 编码，出于安全原因拒绝导入")

        class _Rewound:
            def __init__(self) -> None:
                self.head = head

            def read(self, size: int) -> bytes:
                if self.head:
                    data, self.head = self.head, b""
                    return data + stream.read(max(size - len(data), 0))
                return stream.read(size)

        prolog = _prolog(_Rewound())  # type: ignore[arg-type]
    if prolog is None:
        raise RejectedFile(f"工作簿部件“{entry.filename}”含有文档类型定义（DTD），出于安全原因拒绝导入")


def _parse(archive: zipfile.ZipFile, name: str) -> SafeET.Element:
    try:
        return SafeET.fromstring(archive.read(name), forbid_dtd=True)
    except Exception:
        raise RejectedFile(f"工作簿部件“{name}”已损坏，无法读取") from None


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    root = _parse(archive, "[Content_Types].xml")
    types: dict[str, str] = {}
    for override in root.iter(f"{{{CT_NS}}}Override"):
        types[override.get("PartName", "").lstrip("/")] = override.get("ContentType", "")
    return types


def _sheets(archive: zipfile.ZipFile, workbook_part: str) -> tuple[SheetRef, ...]:
    folder = workbook_part.rsplit("/", 1)[0] if "/" in workbook_part else ""
    rels_name = f"{folder}/_rels/{workbook_part.rsplit('/', 1)[-1]}.rels"
    targets: dict[str, str] = {}
    if rels_name in archive.namelist():
        for rel in _parse(archive, rels_name).iter(f"{{{PKG_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target
            targets[rel.get("Id", "")] = part
    sheets = []
    for sheet in _parse(archive, workbook_part).iter(f"{{{MAIN_NS}}}sheet"):
        rid = sheet.get(f"{{{REL_NS}}}id", "")
        sheets.append(
            SheetRef(
                name=sheet.get("name", ""),
                part=targets.get(rid, ""),
                hidden=sheet.get("state", "visible") != "visible",
            )
        )
    if not sheets:
        raise RejectedFile("工作簿中没有工作表")
    return tuple(sheets)


def _template_version(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "docProps/custom.xml" not in names:
        return ""
    root = _parse(archive, "docProps/custom.xml")
    for prop in root:
        if prop.get("name") == TEMPLATE_PROPERTY:
            return "".join(prop.itertext()).strip()[:20]
    return ""


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"')


def find_formulas(data: bytes, part: str, *, limit: int = 20) -> list[tuple[int, str]]:
    """The (row, column letter) of formula cells in one sheet part, read in
    chunks so that a large sheet never has to sit in memory whole."""
    found: list[tuple[int, str]] = []
    with zipfile.ZipFile(BytesIO(data)) as archive, archive.open(part) as stream:
        tail = b""
        while len(found) < limit:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            buffer = tail + chunk
            for match in _FORMULA.finditer(buffer):
                start = match.start()
                if match.end() <= len(tail):
                    continue  # wholly inside the previous chunk: already seen
                refs = list(_CELL_REF.finditer(buffer, max(0, start - 600), start))
                if refs:
                    column, row = refs[-1].group(1).decode(), int(refs[-1].group(2))
                    if (row, column) not in found:
                        found.append((row, column))
                elif (0, "?") not in found:
                    found.append((0, "?"))
                if len(found) >= limit:
                    break
            tail = buffer[-600:]
    return found
