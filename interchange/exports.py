"""Export documents: LRMX files (one, or a .zip of many) for a scoped
selection of cadres. Used by the browser views and the API alike."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.db.models import QuerySet

from interchange.from_cadre import records_from_cadres
from interchange.lrmx import write_lrmx
from interchange.parsed import ParsedRecord
from personnel.models import Cadre

LRMX_TYPE = "application/octet-stream"
ZIP_TYPE = "application/zip"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_stem(record: ParsedRecord) -> str:
    """``姓名_身份证后4位``, or the name alone when the number is unknown."""
    name = str(record.cadre.get("name") or "未命名")
    number = str(record.cadre.get("id_number") or "")
    safe = "".join(ch for ch in name if ch not in '\\/:*?"<>|') or "未命名"
    return f"{safe}_{number[-4:]}" if number else safe


def unique_names(stems: Iterable[str], extension: str) -> list[str]:
    """File names for the stems, a repeated one numbered: 张三_1234.lrmx, 张三_1234(2).lrmx."""
    seen: dict[str, int] = {}
    names = []
    for stem in stems:
        count = seen.get(stem, 0) + 1
        seen[stem] = count
        names.append(f"{stem}{extension}" if count == 1 else f"{stem}({count}){extension}")
    return names


def lrmx_zip(queryset: QuerySet[Cadre]) -> tuple[bytes, int]:
    """The cadres (already scoped) as a .zip of LRMX files; and how many."""
    pairs = list(records_from_cadres(queryset))
    names = unique_names((file_stem(record) for _cadre, record in pairs), ".lrmx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (_cadre, record) in zip(names, pairs, strict=True):
            archive.writestr(name, write_lrmx(record))
    return buffer.getvalue(), len(pairs)
