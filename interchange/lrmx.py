"""LRMX, the XML file of the 干部任免审批表 (DOMAIN.md 5): reading it into a
ParsedRecord and writing one.

Reading is hardened: defusedxml with DTDs, entities and external
references forbidden (no expansion, no network); a file that has any of
them gets a Chinese error, never a server error. Real files carry a
byte-order mark, versions 2.0 to 3.2.x and newer ones with the two
retirement-reform elements; some are GBK with a matching declaration.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from interchange import texts
from interchange.cells import (
    EDUCATION_KINDS,
    age_limit_code,
    code_name,
    current_post_text,
    education_cell,
    family_political_text,
    family_relation_text,
    family_unit_text,
    party_join,
    rewards_text,
    tech_title_text,
)
from interchange.codes import CodeBook
from interchange.from_cadre import record_from_cadre
from interchange.parsed import ParsedRecord
from interchange.reader import (
    ELEMENTS,
    FAMILY_ELEMENTS,
    build_record,
    day_or_month,
    decode_photo,
    month_of,
    retirement_month_of,
)
from personnel.models import Cadre, Sex

# The version the writer declares: the newest layout, the one with the
# retirement-reform elements.
WRITER_VERSION = "3.2.1.16"
MAX_FAMILY_ITEMS = 10
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", re.IGNORECASE)
SINGLE_ELEMENTS = frozenset(name for name, _label in ELEMENTS) - {"JiaTingChengYuan"}


def _column(element: str) -> str:
    return element


def _decode(data: bytes) -> str:
    """The document as text: a UTF-8 BOM or declaration is UTF-8; a GBK /
    GB2312 / GB18030 declaration is read as GB18030 (their superset);
    without a declaration, UTF-8 and then GB18030 are tried."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = _DECLARATION.match(data)
    declared = ""
    if head:
        found = _ENCODING.search(head.group(0))
        declared = found.group(1).decode("ascii").lower() if found else ""
    if declared in ("gbk", "gb2312", "gb18030", "cp936"):
        return data.decode("gb18030")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if declared in ("", "utf-8", "utf8"):
            return data.decode("gb18030")
        raise


class LrmxError(ValueError):
    """A file that is not a readable LRMX document; the message is for the user."""


def _document(data: bytes) -> ET.Element:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise LrmxError("文件编码无法识别（应为UTF-8或GBK编码的XML）") from None
    # The declaration is dropped: the text is already decoded.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise LrmxError("文件含有DOCTYPE或ENTITY声明，出于安全考虑不予读取（干部任免审批表文件不应含有这些声明）")
    try:
        root: ET.Element = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise LrmxError("文件含有DOCTYPE、ENTITY或外部引用，出于安全考虑不予读取") from None
    except ET.ParseError as exc:
        raise LrmxError(f"文件不是格式正确的XML（{exc}）") from None
    return root


def parse_lrmx(data: bytes, source: str, *, codes: CodeBook | None = None) -> ParsedRecord:
    """Read one LRMX file. A file that cannot be read at all gives a record
    carrying that error (so a batch shows every problem at once); problems
    in single cells are errors or warnings on the record."""
    codes = codes or CodeBook()
    try:
        root = _document(data)
    except LrmxError as exc:
        record = ParsedRecord(source=source)
        record.error("文件", "文件", str(exc))
        return record
    if root.tag != "Person":
        record = ParsedRecord(source=source)
        record.error("文件", root.tag, f"不是干部任免审批表文件：根元素应为Person，实际为{root.tag}")
        return record
    cells: dict[str, str] = {}
    for child in root:
        if child.tag in SINGLE_ELEMENTS and child.tag not in cells:
            cells[child.tag] = child.text or ""
    family: list[dict[str, str]] = []
    container = root.find("JiaTingChengYuan")
    items = list(container.findall("Item")) if container is not None else []
    for item in items:
        family.append({key: (item.findtext(key) or "") for key, _label in FAMILY_ELEMENTS})
    photo, photo_problem = decode_photo(cells.get("ZhaoPian", ""))
    record = build_record(
        source=source,
        cells=cells,
        family=family,
        photo=photo,
        column=_column,
        codes=codes,
        file_version=(root.findtext("Version") or "").strip(),
    )
    if photo_problem:
        record.warn("照片", "ZhaoPian", photo_problem)
    filled = [m for m in family if any(v.strip() for v in m.values())]
    if len(filled) > MAX_FAMILY_ITEMS:
        record.warn(
            "家庭主要成员及重要社会关系",
            "JiaTingChengYuan",
            f"家庭成员有{len(filled)}项，超过表格的{MAX_FAMILY_ITEMS}行；全部导入，打印时可能需要续页",
        )
    return record


# --- writing ----------------------------------------------------------------------------------


def lrmx_cells(record: ParsedRecord) -> dict[str, str]:
    """The form's cells as the LRMX writer fills them."""
    c = record.cadre
    cells: dict[str, str] = dict.fromkeys((name for name, _label in ELEMENTS), "")
    cells["XingMing"] = str(c.get("name") or "")
    cells["XingBie"] = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}.get(str(c.get("sex") or ""), "")
    cells["ChuShengNianYue"] = month_of(c.get("birth_date"))
    cells["MinZu"] = code_name(c.get("ethnicity"))
    cells["JiGuan"] = str(c.get("native_place") or "")
    cells["ChuShengDi"] = str(c.get("birthplace") or "")
    cells["RuDangShiJian"] = party_join(record).text("%Y%m")
    cells["CanJiaGongZuoShiJian"] = month_of(c.get("work_start_date"))
    cells["JianKangZhuangKuang"] = str(c.get("health_text") or code_name(c.get("health")))
    cells["ZhuanYeJiShuZhiWu"] = tech_title_text(record)
    cells["ShuXiZhuanYeYouHeZhuanChang"] = str(c.get("expertise") or "")
    for (kind, _label), prefix in zip(EDUCATION_KINDS, ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu"), strict=True):
        cell = education_cell(record.educations, kind)
        cells[f"{prefix}_XueLi"] = cell.education
        cells[f"{prefix}_XueWei"] = cell.degree
        cells[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = cell.school
        cells[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = cell.degree_school
    cells["XianRenZhiWu"] = current_post_text(record)
    p = record.proposed
    cells["NiRenZhiWu"] = str(p.get("proposed_post") or "")
    cells["NiMianZhiWu"] = str(p.get("proposed_removal") or "")
    cells["JianLi"] = texts.resume_text(record.resume)
    cells["JiangChengQingKuang"] = rewards_text(record)
    cells["NianDuKaoHeJieGuo"] = texts.appraisal_text(record.appraisals)
    cells["RenMianLiYou"] = str(p.get("reason") or "")
    cells["ChengBaoDanWei"] = str(p.get("reporting_unit") or "")
    cells["JiSuanNianLingShiJian"] = day_or_month(p.get("age_reference"))
    cells["TianBiaoShiJian"] = day_or_month(p.get("filled_at"))
    cells["TianBiaoRen"] = str(p.get("filled_by") or "")
    cells["ShenFenZheng"] = str(c.get("id_number") or "")
    cells["ZhaoPian"] = base64.b64encode(record.photo).decode("ascii") if record.photo else ""
    code = age_limit_code(record)
    cells["GaiGeQianRenZhiNianLingJieXian"] = (
        "已到龄人员" if code == "-1" else (f"改革前任职年龄界限为{code}岁" if code else "")
    )
    retirement = retirement_month_of(record)
    cells["DaoLingNianYue"] = f"{retirement:%Y%m}" if retirement else ""
    return cells


def write_lrmx(record: ParsedRecord) -> bytes:
    """The record as an LRMX file the official editor reads: root Person,
    one element per cell in the national form's order, family members as
    Item elements, a trailing Version; UTF-8 with a byte-order mark; dates
    as yyyyMM; line breaks inside 简历 as CR LF (the editor's text boxes).

    The two retirement-reform elements come from the project's own rule:
    GaiGeQianRenZhiNianLingJieXian from the age-limit code (else 60 for men,
    55 for women), DaoLingNianYue the statutory retirement month.
    拟任职务 / 拟免职务 / 任免理由 are written from ``record.proposed`` and
    are empty for a stored cadre: the registry has no appointment workflow
    yet that would supply them."""
    cells = lrmx_cells(record)
    root = ET.Element("Person")
    for name, _label in ELEMENTS:
        if name == "JiaTingChengYuan":
            family = ET.SubElement(root, "JiaTingChengYuan")
            for member in record.family:
                item = ET.SubElement(family, "Item")
                values = {
                    "ChengWei": family_relation_text(member),
                    "XingMing": str(member.get("name") or ""),
                    "ChuShengRiQi": month_of(member.get("birth_date")),
                    "ZhengZhiMianMao": family_political_text(member),
                    "GongZuoDanWeiJiZhiWu": family_unit_text(member),
                }
                for key, _ in FAMILY_ELEMENTS:
                    ET.SubElement(item, key).text = values[key]
            continue
        text = cells[name]
        if name in ("JianLi", "JiangChengQingKuang", "RenMianLiYou"):
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        ET.SubElement(root, name).text = text
    ET.SubElement(root, "Version").text = WRITER_VERSION
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return b"\xef\xbb\xbf" + ('<?xml version="1.0" encoding="utf-8"?>\r\n' + body).encode("utf-8")


def lrmx_for_cadre(cadre: Cadre) -> bytes:
    """A stored cadre (from a scoped read) as an LRMX file."""
    return write_lrmx(record_from_cadre(cadre))


def cells_of(data: bytes) -> dict[str, Any]:
    """The raw cells of an LRMX file (element → text, family as a list), for
    tests and diagnostics."""
    root = _document(data)
    out: dict[str, Any] = {child.tag: child.text or "" for child in root if child.tag != "JiaTingChengYuan"}
    container = root.find("JiaTingChengYuan")
    out["JiaTingChengYuan"] = [
        {key: item.findtext(key) or "" for key, _ in FAMILY_ELEMENTS}
        for item in (container.findall("Item") if container is not None else [])
    ]
    return out
