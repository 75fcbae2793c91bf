"""Test files built from the format description (DOMAIN.md 5), never from
real records: every person here is made up. ``lrmx`` writes the elements in
the national form's order with the values given; ``lrm`` writes the 33
fields; ``png`` makes a real (tiny) image for the Word document."""

from __future__ import annotations

import base64
import datetime
import io
import struct
import zipfile
import zlib
from typing import Any
from xml.sax.saxutils import escape

from tests.factories import id_number_for

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
BMP = b"BM" + b"\x00" * 60


def png(width: int = 8, height: int = 10) -> bytes:
    """A valid grey PNG (python-docx reads its header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = png()

RESUME = (
    "1993.09--1997.07  某某大学经济系财政学专业学习\r\n"
    "1997.07--2005.03  甲县财政局科员（其间：2001.09--2004.07在某省委党校在职研究生班经济管理专业学习）\r\n"
    "2005.03--2018.03  甲县财政局副局长\r\n"
    "2018.03--  甲县财政局局长"
)

ELEMENT_ORDER = (
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "GaiGeQianRenZhiNianLingJieXian",
    "DaoLingNianYue",
)

FAMILY = [
    {
        "ChengWei": "妻子",
        "XingMing": "李某某",
        "ChuShengRiQi": "197605",
        "ZhengZhiMianMao": "中共党员",
        "GongZuoDanWeiJiZhiWu": "甲县第一中学教师",
    },
    {
        "ChengWei": "儿子",
        "XingMing": "王某",
        "ChuShengRiQi": "200203",
        "ZhengZhiMianMao": "共青团员",
        "GongZuoDanWeiJiZhiWu": "某某大学学生",
    },
    {
        "ChengWei": "父亲",
        "XingMing": "王某某",
        "ChuShengRiQi": "194801",
        "ZhengZhiMianMao": "群众",
        "GongZuoDanWeiJiZhiWu": "已去世",
    },
]


def cells(**overrides: Any) -> dict[str, Any]:
    """A complete, valid form (a made-up man born 1975-03)."""
    values: dict[str, Any] = {
        "XingMing": "王小明",
        "XingBie": "男",
        "ChuShengNianYue": "197503",
        "MinZu": "汉族",
        "JiGuan": "浙江杭州",
        "ChuShengDi": "浙江杭州",
        "RuDangShiJian": "199506",
        "CanJiaGongZuoShiJian": "199707",
        "JianKangZhuangKuang": "健康",
        "ZhuanYeJiShuZhiWu": "经济师",
        "ShuXiZhuanYeYouHeZhuanChang": "财政管理",
        "QuanRiZhiJiaoYu_XueLi": "大学",
        "QuanRiZhiJiaoYu_XueWei": "经济学学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "某某大学经济系财政学专业",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "",
        "ZaiZhiJiaoYu_XueLi": "研究生",
        "ZaiZhiJiaoYu_XueWei": "",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "某省委党校经济管理专业",
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "",
        "XianRenZhiWu": "甲县财政局局长",
        "NiRenZhiWu": "",
        "NiMianZhiWu": "",
        "JianLi": RESUME,
        "JiangChengQingKuang": "2019年被评为甲县优秀共产党员",
        "NianDuKaoHeJieGuo": "2021年度考核称职；2022年度考核优秀；2023年度考核称职。",
        "RenMianLiYou": "",
        "JiaTingChengYuan": FAMILY,
        "ChengBaoDanWei": "",
        "JiSuanNianLingShiJian": "",
        "TianBiaoShiJian": "",
        "TianBiaoRen": "",
        "ShenFenZheng": "",
        "ZhaoPian": base64.b64encode(JPEG).decode(),
        "GaiGeQianRenZhiNianLingJieXian": "改革前任职年龄界限为60岁",
        "DaoLingNianYue": "203710",
        "Version": "3.2.1.16",
    }
    values.update(overrides)
    return values


# The made-up man's ID number (valid, born 1975-03-14, male), fixed for a test run.
ID_NUMBER = id_number_for(datetime.date(1975, 3, 14), "1")


def with_id(**overrides: Any) -> dict[str, Any]:
    return cells(ShenFenZheng=ID_NUMBER, **overrides)


def lrmx(
    *,
    bom: bool = True,
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
    encoding: str = "utf-8",
    **overrides: Any,
) -> bytes:
    """An LRMX file; an override of None leaves the element out."""
    values = cells(**overrides)
    parts = [declaration, "<Person>"]
    for name in (*ELEMENT_ORDER, "Version"):
        value = values.get(name)
        if value is None:
            continue
        if name == "JiaTingChengYuan":
            parts.append("  <JiaTingChengYuan>")
            for member in value:
                parts.append("    <Item>")
                parts.extend(f"      <{k}>{escape(v)}</{k}>" for k, v in member.items())
                parts.append("    </Item>")
            parts.append("  </JiaTingChengYuan>")
        else:
            parts.append(f"  <{name}>{escape(str(value))}</{name}>")
    parts.append("</Person>")
    data = "\r\n".join(parts).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def lrm_fields(**overrides: str) -> list[str]:
    """The 33 LRM fields of the same made-up man, by index (``f17="…"``)."""
    fields = [""] * 33
    fields[0] = "王小明"
    fields[1] = "男"
    fields[2] = "1975.03"
    fields[3] = "汉族"
    fields[4] = "浙江杭州"
    fields[5] = "1995.06"
    fields[6] = "健康"
    fields[7] = "浙江杭州"
    fields[8] = "1997.07"
    fields[9] = "大学#经济学学士@研究生#"
    fields[10] = "某某大学经济系财政学专业#@某省委党校经济管理专业#"
    fields[11] = "经济师"
    fields[16] = "财政管理"
    fields[17] = RESUME.replace("\r\n", "#")
    fields[18] = "2019年被评为甲县优秀共产党员"
    fields[19] = "2021年度考核称职；2022年度考核优秀；2023年度考核称职。"
    fields[20] = "妻子@儿子@父亲"
    fields[21] = "李某某@王某@王某某"
    fields[22] = "1976.05@2002.03@1948.01"
    fields[23] = "中共党员@共青团员@群众"
    fields[24] = "甲县第一中学教师@某某大学学生@已去世"
    fields[25] = "甲县财政局局长"
    fields[26] = "甲县人民政府副县长"
    fields[29] = "中共甲县县委组织部"
    fields[30] = "2024.06"
    fields[31] = "赵某"
    fields[32] = "2024.06.15"
    for key, value in overrides.items():
        fields[int(key.removeprefix("f"))] = value
    return fields


def lrm(encoding: str = "gbk", **overrides: str) -> bytes:
    return ",".join(f'"{value}"' for value in lrm_fields(**overrides)).encode(encoding)


def zip_of(entries: dict[str, bytes], *, gbk_names: bool = False) -> bytes:
    """A zip; with ``gbk_names`` the names are stored as GBK bytes without the
    UTF-8 flag, as Chinese Windows tools write them."""
    buffer = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (name, data) in enumerate(entries.items()):
            stored = name
            if gbk_names:
                # An ASCII stand-in of the same byte length, swapped for the
                # GBK bytes afterwards (zipfile itself only writes ASCII or UTF-8).
                raw = name.encode("gbk")
                stored = f"#{number}#".ljust(len(raw), "Q")
                assert len(stored) == len(raw)
                swaps.append((stored.encode("ascii"), raw))
            archive.writestr(stored, data)
    data = buffer.getvalue()
    for stand_in, raw in swaps:
        data = data.replace(stand_in, raw)
    return data
