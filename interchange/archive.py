"""An upload of form files: one ``.lrmx``, one ``.lrm`` (with its ``.pic``
given beside it), or a ``.zip`` of many (nested folders; ``.lrm`` files
paired with the ``.pic`` of the same stem in the same folder).

The zip is checked before anything in it is read: the number of entries,
the total uncompressed size, each entry's size and compression ratio,
encrypted entries and path tricks (absolute paths, ``..``). The numbers are
``settings.INTERCHANGE_LIMITS``. A refused upload raises ``UploadRejected``
with a Chinese ``message``; a file inside that cannot be read yields a
ParsedRecord carrying its errors, so the preview shows every problem at
once.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings

from core.errors import UserError
from interchange.codes import CodeBook
from interchange.lrm import parse_lrm
from interchange.lrmx import parse_lrmx
from interchange.parsed import ParsedRecord

# Files a zip made on Windows or macOS carries besides the forms.
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


class UploadRejected(UserError):
    """The upload as a whole is refused; ``message`` says why, in Chinese."""


def limits() -> dict[str, int]:
    configured: dict[str, Any] = settings.INTERCHANGE_LIMITS
    return {key: int(value) for key, value in configured.items()}


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name. Without the UTF-8 flag, zipfile decodes names
    as CP437; Chinese Windows tools write GBK there, so such a name is
    re-read as GBK (and kept as it was when it is not GBK)."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name.replace("\\", "/")


def _suspicious(name: str) -> bool:
    parts = name.split("/")
    return name.startswith("/") or ".." in parts or (len(name) > 1 and name[1] == ":")


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def _error_record(source: str, message: str) -> ParsedRecord:
    record = ParsedRecord(source=source)
    record.error("文件", "文件", message)
    return record


def read_upload(
    data: bytes, filename: str, *, pic: bytes | None = None, codes: CodeBook | None = None
) -> Iterator[ParsedRecord]:
    """The records of one upload, one per form file (see the module docstring).
    Raises UploadRejected before yielding anything when the upload as a
    whole is refused."""
    limit = limits()
    if len(data) > limit["upload_bytes"]:
        raise UploadRejected(f"上传的文件超过{limit['upload_bytes'] // (1024 * 1024)}MB的上限")
    codes = codes or CodeBook()
    kind = _extension(filename)
    if kind == ".lrmx":
        return iter([parse_lrmx(data, filename, codes=codes)])
    if kind == ".lrm":
        return iter([parse_lrm(data, pic, filename, codes=codes)])
    if kind == ".zip" or data.startswith(b"PK\x03\x04"):
        return _read_zip(data, filename, codes, limit)
    raise UploadRejected(
        f"不支持的文件类型“{filename}”：请上传干部任免审批表文件（.lrmx，或 .lrm 及同名 .pic），"
        "或包含这些文件的 .zip 压缩包"
    )


def _read_zip(data: bytes, filename: str, codes: CodeBook, limit: dict[str, int]) -> Iterator[ParsedRecord]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadRejected(f"“{filename}”不是有效的zip压缩包") from None
    if len(infos) > limit["zip_entries"]:
        raise UploadRejected(f"压缩包中有{len(infos)}个文件，超过{limit['zip_entries']}个的上限，请分批上传")
    total = sum(info.file_size for info in infos)
    if total > limit["zip_total_bytes"]:
        raise UploadRejected(
            f"压缩包解压后共{total // (1024 * 1024)}MB，超过{limit['zip_total_bytes'] // (1024 * 1024)}MB的上限"
        )
    files: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = entry_name(info)
        if _suspicious(name):
            raise UploadRejected(f"压缩包中的“{name}”含有绝对路径或“..”，出于安全考虑拒绝处理该压缩包")
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise UploadRejected(f"压缩包中的“{name}”已加密，请上传未加密的压缩包")
        if info.file_size > limit["zip_entry_bytes"]:
            raise UploadRejected(f"压缩包中的“{name}”解压后超过{limit['zip_entry_bytes'] // (1024 * 1024)}MB的上限")
        if info.file_size > 1024 and info.file_size > limit["zip_ratio"] * max(info.compress_size, 1):
            raise UploadRejected(f"压缩包中的“{name}”压缩比异常（可能是“压缩炸弹”），拒绝处理该压缩包")
        if info.is_dir():
            continue
        files[name] = info
    return _zip_records(archive, files, codes, limit)


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: dict[str, int]) -> bytes:
    # Read at most the declared size (+1 to notice a header that lies).
    with archive.open(info) as handle:
        data = handle.read(limit["zip_entry_bytes"] + 1)
    if len(data) > limit["zip_entry_bytes"]:
        raise UploadRejected(f"压缩包中的“{entry_name(info)}”解压后超过上限")
    return data


def _zip_records(
    archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], codes: CodeBook, limit: dict[str, int]
) -> Iterator[ParsedRecord]:
    pictures = {posixpath.splitext(name)[0].lower(): name for name in files if _extension(name) == ".pic"}
    used_pictures: set[str] = set()
    for name, info in sorted(files.items()):
        base = posixpath.basename(name)
        if base.lower() in _JUNK_NAMES or name.startswith("__MACOSX/") or base.startswith("._"):
            continue
        kind = _extension(name)
        try:
            if kind == ".lrmx":
                yield parse_lrmx(_read_entry(archive, info, limit), name, codes=codes)
            elif kind == ".lrm":
                stem = posixpath.splitext(name)[0].lower()
                pic_name = pictures.get(stem)
                pic = None
                if pic_name is not None:
                    used_pictures.add(pic_name)
                    pic = _read_entry(archive, files[pic_name], limit)
                yield parse_lrm(_read_entry(archive, info, limit), pic, name, codes=codes)
            elif kind == ".pic":
                continue
            else:
                yield _error_record(name, "不是干部任免审批表文件（应为 .lrmx，或 .lrm 及同名 .pic），已跳过")
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            # zlib and CRC failures surface as these; one damaged entry is one bad record.
            yield _error_record(name, f"压缩包中的该文件已损坏，无法读取（{type(exc).__name__}）")
    for stem, pic_name in sorted(pictures.items()):
        if pic_name not in used_pictures and posixpath.basename(pic_name).lower() not in _JUNK_NAMES:
            yield _error_record(pic_name, f"照片文件没有同名的 .lrm 文件（应为 {posixpath.basename(stem)}.lrm）")
