"""Uploads are checked by their bytes before anything parses them; every
refusal is a Chinese message on the job (never a 500), and nothing is
written to the registry."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest

from imports.models import ImportRow, ImportStatus
from imports.xlsx import RejectedFile, find_formulas, inspect_workbook
from personnel.models import Cadre
from tests.imports.helpers import edit, person, rezip, roster, upload

GOOD = [person("张明", datetime.date(1985, 3, 12))]


def _rejected(county: dict[str, Any], data: bytes, filename: str = "花名册.xlsx") -> str:
    job = upload(county["staff"], county["root"], data, filename)
    assert job.status == ImportStatus.REJECTED, job.message
    assert not ImportRow.objects.filter(job=job).exists()
    assert not Cadre.objects.exists()
    return job.message


def test_a_good_roster_passes(county: dict[str, Any]) -> None:
    job = upload(county["staff"], county["root"], roster(GOOD))
    assert job.status == ImportStatus.VALIDATED
    assert job.count_new == 1


def test_zip_bomb_is_refused_by_its_compression_ratio(county: dict[str, Any]) -> None:
    bomb = rezip(roster(GOOD), add={"xl/media/padding.xml": b"<a>" + b"0" * (20 * 1024 * 1024) + b"</a>"})
    message = _rejected(county, bomb)
    assert "压缩比" in message and "压缩炸弹" in message


def test_total_uncompressed_size_is_limited(county: dict[str, Any], settings: Any) -> None:
    settings.CADRE_IMPORT_MAX_UNCOMPRESSED = 5_000
    message = _rejected(county, roster(GOOD * 1))
    assert "解压后" in message


def test_entry_count_is_limited(county: dict[str, Any], settings: Any) -> None:
    many = rezip(roster(GOOD), add={f"xl/extra/{i}.bin": b"x" for i in range(30)})
    settings.CADRE_IMPORT_MAX_ZIP_ENTRIES = 20
    assert "部件" in _rejected(county, many)


def test_macro_workbook_renamed_to_xlsx_is_refused_by_content(county: dict[str, Any]) -> None:
    data = roster(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    xlsm = rezip(data, replace={"[Content_Types].xml": types.encode()}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert "宏" in _rejected(county, xlsm, "看起来正常.xlsx")


def test_vba_project_alone_is_enough_to_refuse(county: dict[str, Any]) -> None:
    assert "宏" in _rejected(county, rezip(roster(GOOD), add={"xl/vbaProject.bin": b"\x00"}))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 .xls"),
        ("姓名,公民身份号码\n张明,110105198503120011\n".encode(), "不是 Excel 工作簿"),
        (b"%PDF-1.7\n", "不是 Excel 工作簿"),
        (b"PK\x03\x04garbage", "已损坏"),
        (b"", "空"),
    ],
    ids=["xls", "csv", "pdf", "broken-zip", "empty"],
)
def test_non_xlsx_content_is_refused_whatever_its_name(county: dict[str, Any], data: bytes, expected: str) -> None:
    assert expected in _rejected(county, data, "花名册.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused(county: dict[str, Any]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in _rejected(county, out.getvalue())


def test_xml_with_a_dtd_is_refused_before_parsing(county: dict[str, Any]) -> None:
    data = roster(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    evil = sheet.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "", 1)
    evil = lol + evil.replace("<t>张明</t>", "<t>&lol2;</t>") if "<t>张明</t>" in evil else lol + evil
    message = _rejected(county, rezip(data, replace={"xl/worksheets/sheet1.xml": evil.encode()}))
    assert "DTD" in message


def test_external_entity_in_content_types_is_refused(county: dict[str, Any]) -> None:
    data = roster(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xxe = types.replace("?>", "?>" + doctype, 1) if types.startswith("<?xml") else doctype + types
    assert "DTD" in _rejected(county, rezip(data, replace={"[Content_Types].xml": xxe.encode()}))


def test_formula_cells_are_refused_with_their_cells(county: dict[str, Any]) -> None:
    data = edit(roster(GOOD), {(2, "现任职务"): '=HYPERLINK("http://x","点击")', (2, "任现职时间"): "=1+1"})
    message = _rejected(county, data)
    assert "公式" in message
    assert "第2行G列" in message and "第2行H列" in message


def test_formula_scan_reads_large_sheets_in_chunks() -> None:
    rows = [person(f"人{i}", datetime.date(1980, 1, 1) + datetime.timedelta(days=i)) for i in range(3000)]
    data = edit(roster(rows), {(2999, "现任职务"): "=A1"})
    info = inspect_workbook(data)
    assert find_formulas(data, info.sheets[0].part) == [(2999, "G")]


def test_oversized_file_is_recorded_as_rejected_without_its_bytes(county: dict[str, Any], settings: Any) -> None:
    settings.CADRE_IMPORT_MAX_BYTES = 1000
    job = upload(county["staff"], county["root"], roster(GOOD))
    assert job.status == ImportStatus.REJECTED
    assert "超过上限" in job.message
    assert not hasattr(job, "file") or not job.file_size <= 1000


def test_encrypted_entries_are_refused() -> None:
    data = bytearray(roster(GOOD))
    # Set the "encrypted" bit of the first local header and its central directory entry.
    data[6] |= 0x1
    central = data.rfind(b"PK\x01\x02")
    first_central = data.find(b"PK\x01\x02")
    assert central > 0
    data[first_central + 8] |= 0x1
    with pytest.raises(RejectedFile, match="加密"):
        inspect_workbook(bytes(data))


def test_a_dtd_hidden_behind_a_long_comment_is_found(county: dict[str, Any]) -> None:
    data = roster(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    if sheet.startswith("<?xml"):
        declaration, _, body = sheet.partition("?>")
        declaration += "?>"
    else:
        declaration, body = "", sheet
    padding = "<!--" + "x" * 20000 + "-->" + ("<?pi " + "y" * 9000 + "?>\n") * 3
    evil = f'{declaration}{padding}<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>{body}'
    assert "DTD" in _rejected(county, rezip(data, replace={"xl/worksheets/sheet1.xml": evil.encode()}))


def test_a_utf16_part_is_refused(county: dict[str, Any]) -> None:
    data = roster(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert "UTF-8" in _rejected(county, rezip(data, replace={"xl/styles.xml": styles.encode("utf-16")}))
