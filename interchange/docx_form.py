"""The 干部任免审批表 as a Word document (python-docx), for departments that
edit the form in Word or WPS: A4, a real ruled table with merged cells in
the national layout, the photo embedded top right, 宋体 text and a 黑体
title; 奖惩情况, 年度考核结果, 任免理由 and the family on the second page.
Many cadres make one document, each starting on a new page."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from interchange.form import FormSheet

BODY_FONT = "宋体"
BODY_FONT_LATIN = "SimSun"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(10.5)  # 五号
# Page 1: label, value, label, value, label, value, photo (mm, 170 in all).
PAGE1_WIDTHS = (20, 26, 20, 26, 22, 26, 30)
# Page 2: label, 称谓, 姓名, 年龄, 政治面貌, 工作单位及职务.
PAGE2_WIDTHS = (20, 16, 20, 12, 20, 82)


def _font(run: object, name: str = BODY_FONT, *, size: Pt | None = None, bold: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name = BODY_FONT_LATIN if name == BODY_FONT else name
    font.size = size or BODY_SIZE
    font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)


def _write(cell: _Cell, text: str, *, center: bool = True, size: Pt | None = None) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for number, line in enumerate(lines):
        if number:
            paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_after = Pt(0)
        _font(paragraph.add_run(line), size=size)


def _widths(table: Table, widths: tuple[int, ...]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)


def _height(table: Table, row: int, mm: float, *, exact: bool = False) -> None:
    table.rows[row].height = Mm(mm)
    table.rows[row].height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _page_one(document: object, sheet: FormSheet, photo: bytes | None) -> None:
    doc = document
    title = doc.add_paragraph()  # type: ignore[attr-defined]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("干部任免审批表"), TITLE_FONT, size=Pt(22), bold=True)
    table = doc.add_table(rows=10, cols=7)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, PAGE1_WIDTHS)
    cell = table.cell

    rows = (
        ("姓  名", sheet.name, "性  别", sheet.sex, "出生年月\n（  岁）", f"{sheet.birth}\n{sheet.age}"),
        ("民  族", sheet.ethnicity, "籍  贯", sheet.native_place, "出 生 地", sheet.birthplace),
        ("入  党\n时  间", sheet.party, "参加工\n作时间", sheet.work_start, "健康状况", sheet.health),
    )
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            _write(cell(r, c), value)
        _height(table, r, 13)
    # 专业技术职务 and 熟悉专业有何专长: each value spans two columns.
    _write(cell(3, 0), "专业技\n术职务")
    _write(cell(3, 1).merge(cell(3, 2)), sheet.tech_title)
    _write(cell(3, 3), "熟悉专业\n有何专长")
    _write(cell(3, 4).merge(cell(3, 5)), sheet.expertise)
    _height(table, 3, 13)
    photo_cell = cell(0, 6).merge(cell(3, 6))
    photo_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if photo is not None:
        paragraph = photo_cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        try:
            paragraph.add_run().add_picture(io.BytesIO(photo), width=Mm(26))
        except Exception:  # an image Word can't take is left out, never a broken document
            _write(photo_cell, "照片")
    else:
        _write(photo_cell, "照片")

    # 学历学位: the label spans both rows; 全日制教育 / 在职教育 beside it.
    _write(cell(4, 0).merge(cell(5, 0)), "学  历\n学  位")
    for r, (label, edu) in ((4, ("全日制\n教  育", sheet.full_time)), (5, ("在  职\n教  育", sheet.in_service))):
        _write(cell(r, 1), label)
        _write(cell(r, 2).merge(cell(r, 3)), "\n".join(p for p in (edu.education, edu.degree) if p))
        _write(cell(r, 4), "毕业院校\n系及专业")
        schools = "\n".join(p for p in (edu.school, edu.degree_school) if p)
        _write(cell(r, 5).merge(cell(r, 6)), schools, center=False)
        _height(table, r, 14)
    for r, (label, value) in enumerate(
        (
            ("现 任 职 务", sheet.current_post),
            ("拟 任 职 务", sheet.proposed_post),
            ("拟 免 职 务", sheet.proposed_removal),
        ),
        start=6,
    ):
        _write(cell(r, 0).merge(cell(r, 1)), label)
        _write(cell(r, 2).merge(cell(r, 6)), value, center=False)
        _height(table, r, 11)
    _write(cell(9, 0), "简\n\n\n\n\n历")
    resume_cell = cell(9, 1).merge(cell(9, 6))
    _write(resume_cell, "\n".join(f"{line.span}  {line.text}" for line in sheet.resume), center=False)
    resume_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    _height(table, 9, 150)


def _page_two(document: object, sheet: FormSheet) -> None:
    doc = document
    table = doc.add_table(rows=3, cols=6)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = table.cell
    for r, (label, value, height) in enumerate(
        (
            ("奖\n惩\n情\n况", sheet.rewards, 28),
            ("年度\n考核\n结果", sheet.appraisals, 22),
            ("任\n免\n理\n由", sheet.reason, 22),
        )
    ):
        _write(cell(r, 0), label)
        _write(cell(r, 1).merge(cell(r, 5)), value, center=False)
        _height(table, r, height)
    head = table.add_row()
    labels = ("称 谓", "姓  名", "年龄", "政治\n面貌", "工 作 单 位 及 职 务")
    for c, label in enumerate(labels, start=1):
        _write(head.cells[c], label)
    first = len(table.rows) - 1
    members = [(m.relation, m.name, m.age, m.political, m.unit) for m in sheet.family]
    members += [("", "", "", "", "")] * len(sheet.blank_family_rows)
    for member in members:
        row = table.add_row()
        for c, value in enumerate(member, start=1):
            _write(row.cells[c], value, center=c != 5)
    last = len(table.rows) - 1
    _write(cell(first, 0).merge(cell(last, 0)), "家庭\n主要\n成员\n及重\n要社\n会关\n系")
    for r in range(first, last + 1):
        _height(table, r, 10)
    for label, value in (
        ("呈\n报\n单\n位", f"{sheet.reporting_unit}\n\n（盖章）\n年    月    日"),
        ("审批\n机关\n意见", "\n\n（盖章）\n年    月    日"),
        ("行政\n机关\n任免\n意见", "\n\n（盖章）\n年    月    日"),
    ):
        row = table.add_row()
        _write(row.cells[0], label)
        merged = row.cells[1].merge(row.cells[5])
        _write(merged, value)
        for paragraph in merged.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _height(table, len(table.rows) - 1, 26)
    _widths(table, PAGE2_WIDTHS)
    footer = doc.add_paragraph()  # type: ignore[attr-defined]
    text = f"填表人：{sheet.filled_by}" + (f"    填表时间：{sheet.filled_at}" if sheet.filled_at else "")
    _font(footer.add_run(text))


def form_docx(sheets: Iterable[tuple[FormSheet, bytes | None]]) -> bytes:
    """One document with the form of each (sheet, photo), each on new pages."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT_LATIN  # type: ignore[attr-defined]
    normal.font.size = BODY_SIZE  # type: ignore[attr-defined]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    first = True
    for sheet, photo in sheets:
        if not first:
            document.add_section(WD_SECTION.NEW_PAGE)
        first = False
        _page_one(document, sheet, photo)
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _page_two(document, sheet)
    # A new document starts with one empty paragraph at the very top; drop it.
    body = document.element.body
    first_paragraph = body.find(qn("w:p"))
    if first_paragraph is not None and not "".join(first_paragraph.itertext()).strip():
        body.remove(first_paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
