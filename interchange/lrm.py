"""LRM, the older form file (DOMAIN.md 5): one text line of 33 double-quoted,
comma-separated fields, with the photo in a sibling ``.pic`` file. Inside a
field ``#`` is a line break and ``@`` separates cells (全日制 @ 在职, one
family member from the next).

Encoding: the editor wrote GBK. A file that decodes cleanly as UTF-8 (with
or without a byte-order mark) is read as UTF-8 — GBK text of Chinese
characters practically never forms valid UTF-8, while files re-saved by
other tools sometimes are UTF-8; everything else is read as GB18030, the
superset of GBK and GB2312. Only a file that is neither is refused.
"""

from __future__ import annotations

import csv
import io

from interchange.codes import CodeBook
from interchange.parsed import ParsedRecord
from interchange.reader import build_record

FIELD_COUNT = 33
# Field index → the LRMX element it carries (9, 10 and 20–24 are split below).
FIELDS: dict[int, str] = {
    0: "XingMing",
    1: "XingBie",
    2: "ChuShengNianYue",
    3: "MinZu",
    4: "JiGuan",
    5: "RuDangShiJian",
    6: "JianKangZhuangKuang",
    7: "ChuShengDi",
    8: "CanJiaGongZuoShiJian",
    11: "ZhuanYeJiShuZhiWu",
    16: "ShuXiZhuanYeYouHeZhuanChang",
    17: "JianLi",
    18: "JiangChengQingKuang",
    19: "NianDuKaoHeJieGuo",
    25: "XianRenZhiWu",
    26: "NiRenZhiWu",
    27: "NiMianZhiWu",
    28: "RenMianLiYou",
    29: "ChengBaoDanWei",
    30: "JiSuanNianLingShiJian",
    31: "TianBiaoRen",
    32: "TianBiaoShiJian",
}
MULTILINE = frozenset({"JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou"})
FAMILY_FIELDS = {20: "ChengWei", 21: "XingMing", 22: "ChuShengRiQi", 23: "ZhengZhiMianMao", 24: "GongZuoDanWeiJiZhiWu"}
# Where each LRMX element comes from, for the messages.
COLUMNS: dict[str, str] = {element: f"字段{index}" for index, element in FIELDS.items()}
for _prefix in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu"):
    COLUMNS[f"{_prefix}_XueLi"] = COLUMNS[f"{_prefix}_XueWei"] = "字段9"
    COLUMNS[f"{_prefix}_XueLi_BiYeYuanXiaoXi"] = COLUMNS[f"{_prefix}_XueWei_BiYeYuanXiaoXi"] = "字段10"
COLUMNS["JiaTingChengYuan"] = "字段20-24"
COLUMNS["ZhaoPian"] = ".pic"


def _column(element: str) -> str:
    return COLUMNS.get(element, element)


def decode_lrm(data: bytes) -> str:
    """See the module docstring: UTF-8 when it decodes cleanly, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _cells(text: str, *, line_break: str) -> list[str]:
    return [part.replace("#", line_break) for part in text.split("@")]


def _pair(text: str) -> tuple[str, str]:
    lines = text.split("#")
    return (lines[0] if lines else "").strip(), (lines[1] if len(lines) > 1 else "").strip()


def parse_lrm(data: bytes, pic: bytes | None, source: str, *, codes: CodeBook | None = None) -> ParsedRecord:
    """Read one LRM file and its photo. A file that cannot be read at all
    gives a record carrying that error."""
    codes = codes or CodeBook()
    try:
        text = decode_lrm(data)
    except UnicodeDecodeError:
        record = ParsedRecord(source=source)
        record.error("文件", "文件", "LRM文件编码无法识别（应为GBK编码的文本）")
        return record
    rows = [row for row in csv.reader(io.StringIO(text.strip("\r\n\x00 ")), skipinitialspace=True) if row]
    fields = rows[0] if rows else []
    if len(rows) > 1:
        # A line break inside a quoted field: the csv reader already joined it.
        fields = [field for row in rows for field in row]
    if len(fields) < FIELD_COUNT:
        record = ParsedRecord(source=source)
        record.error(
            "文件",
            "文件",
            f"不是干部任免审批表LRM文件：应有{FIELD_COUNT}个用英文逗号分隔、双引号括起的字段，实际只有{len(fields)}个",
        )
        return record

    cells: dict[str, str] = {}
    for index, element in FIELDS.items():
        value = fields[index]
        cells[element] = value.replace("#", "\n") if element in MULTILINE else value.replace("#", "")
    degrees = fields[9].split("@")
    schools = fields[10].split("@")
    for position, prefix in enumerate(("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu")):
        education, degree = _pair(degrees[position] if position < len(degrees) else "")
        school, degree_school = _pair(schools[position] if position < len(schools) else "")
        cells[f"{prefix}_XueLi"], cells[f"{prefix}_XueWei"] = education, degree
        cells[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = school
        cells[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = degree_school

    columns = {index: _cells(fields[index], line_break="") for index in FAMILY_FIELDS}
    count = max(len(values) for values in columns.values())
    family = [
        {key: (columns[index][n] if n < len(columns[index]) else "") for index, key in FAMILY_FIELDS.items()}
        for n in range(count)
    ]
    record = build_record(
        source=source, cells=cells, family=family, photo=pic or None, column=_column, codes=codes, file_version="LRM"
    )
    return record
