"""Reading and writing LRMX: the quirks real files have, the hardened parser,
and round trips both ways."""

from __future__ import annotations

import base64
import datetime

import pytest

from interchange.diff import diff_records
from interchange.lrmx import WRITER_VERSION, cells_of, parse_lrmx, write_lrmx
from personnel.dates import Precision
from tests.factories import id_number_for
from tests.interchange import builders

pytestmark = pytest.mark.django_db


def issues(record):
    return [(i.field, i.column, i.message) for i in record.errors + record.warnings]


def test_a_complete_file_reads_into_the_record():
    record = parse_lrmx(builders.lrmx(**builders.with_id()), "王小明.lrmx")
    assert record.is_valid, issues(record)
    assert not record.warnings, issues(record)
    c = record.cadre
    assert c["name"] == "王小明" and c["sex"] == "1"
    assert c["birth_date"].value == datetime.date(1975, 3, 1) and c["birth_date"].precision is Precision.MONTH
    assert c["ethnicity"].name == "汉族"
    assert c["party_join_date"].value == datetime.date(1995, 6, 1)
    assert c["political_status"].code == "01"
    assert c["health"].name == "健康" and c["tech_title"].name == "经济师"
    assert c["current_post"] == "甲县财政局局长"
    assert c["id_number"].startswith("330102197503")
    assert c["age_limit"].code == "60"
    assert [e["content"] for e in record.resume][-1] == "甲县财政局局长"
    assert record.resume[1]["note"].startswith("2001.09--2004.07")
    assert [(a["year"], a["grade"]) for a in record.appraisals] == [
        (2021, "competent"),
        (2022, "excellent"),
        (2023, "competent"),
    ]
    assert [(m["relation"].name, m["political_status"].name) for m in record.family] == [
        ("妻子", "中共党员"),
        ("儿子", "共青团员"),
        ("父亲", "群众"),
    ]
    assert record.family[2]["is_deceased"] is True
    full_time = [e for e in record.educations if e["kind"] == "full_time"]
    assert full_time[0]["education"].name == "大学" and full_time[0]["degree"].name == "经济学学士"
    assert record.photo == builders.JPEG and record.photo_content_type == "image/jpeg"
    assert record.file_version == "3.2.1.16"


def test_byte_order_mark_and_none():
    assert parse_lrmx(builders.lrmx(bom=True), "a.lrmx").is_valid
    assert parse_lrmx(builders.lrmx(bom=False), "a.lrmx").is_valid


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("197503", datetime.date(1975, 3, 1), Precision.MONTH),
        ("19750314", datetime.date(1975, 3, 14), Precision.DAY),
        ("1975.03", datetime.date(1975, 3, 1), Precision.MONTH),
        ("1975.3", datetime.date(1975, 3, 1), Precision.MONTH),
    ],
)
def test_six_and_eight_digit_and_dotted_dates(raw, value, precision):
    record = parse_lrmx(builders.lrmx(ChuShengNianYue=raw), "a.lrmx")
    assert record.is_valid, issues(record)
    assert record.cadre["birth_date"].value == value
    assert record.cadre["birth_date"].precision is precision


def test_a_bad_date_is_an_error_naming_the_element():
    record = parse_lrmx(builders.lrmx(ChuShengNianYue="1975年13月"), "a.lrmx")
    [error] = record.errors
    assert (error.field, error.column) == ("出生年月", "ChuShengNianYue")
    assert "月份13无效" in error.message


def test_missing_id_number_is_accepted():
    record = parse_lrmx(builders.lrmx(ShenFenZheng=None), "a.lrmx")
    assert record.is_valid and record.cadre["id_number"] is None


def test_id_number_that_contradicts_the_birth_month_is_an_error():
    number = id_number_for(datetime.date(1976, 3, 14), "1")
    record = parse_lrmx(builders.lrmx(ShenFenZheng=number), "a.lrmx")
    assert any(i.column == "ShenFenZheng" and "不一致" in i.message for i in record.errors)


def test_a_party_name_instead_of_a_date():
    record = parse_lrmx(builders.lrmx(RuDangShiJian="民盟"), "a.lrmx")
    assert record.is_valid
    assert record.cadre["party_join_date"] is None
    assert record.cadre["political_status"].name == "民盟"
    rewritten = cells_of(write_lrmx(record))
    assert rewritten["RuDangShiJian"] == "民盟"


def test_version_2_file_without_the_reform_elements():
    data = builders.lrmx(GaiGeQianRenZhiNianLingJieXian=None, DaoLingNianYue=None, ZhaoPian=None, Version="2.0")
    record = parse_lrmx(data, "old.lrmx")
    assert record.is_valid and not record.warnings
    assert record.file_version == "2.0"
    assert record.cadre["age_limit"] is None and record.photo is None


@pytest.mark.parametrize("version", ["2.0", "3.0.2.12", "3.2.1.6", "3.2.1.16"])
def test_every_version_seen_reads(version):
    assert parse_lrmx(builders.lrmx(Version=version), "a.lrmx").is_valid


def test_a_retirement_month_that_differs_from_the_rule_is_a_warning():
    record = parse_lrmx(builders.lrmx(DaoLingNianYue="203503"), "a.lrmx")
    assert record.is_valid
    [warning] = record.warnings
    assert warning.column == "DaoLingNianYue" and "2037.10" in warning.message


def test_ten_family_items_and_a_deceased_member():
    family = [
        {
            "ChengWei": "弟弟",
            "XingMing": f"王{n}",
            "ChuShengRiQi": "198001",
            "ZhengZhiMianMao": "群众",
            "GongZuoDanWeiJiZhiWu": "已去世" if n == 9 else "务农",
        }
        for n in range(10)
    ]
    record = parse_lrmx(builders.lrmx(JiaTingChengYuan=family), "a.lrmx")
    assert record.is_valid and not record.warnings
    assert len(record.family) == 10
    assert [m["is_deceased"] for m in record.family].count(True) == 1


def test_blank_family_items_of_the_editor_are_skipped():
    blank = {"ChengWei": "", "XingMing": "", "ChuShengRiQi": "", "ZhengZhiMianMao": "", "GongZuoDanWeiJiZhiWu": ""}
    record = parse_lrmx(builders.lrmx(JiaTingChengYuan=[*builders.FAMILY, blank, blank]), "a.lrmx")
    assert len(record.family) == 3


def test_relation_and_political_status_without_a_code_keep_the_text_as_a_warning():
    member = {
        "ChengWei": "干爹",
        "XingMing": "赵某",
        "ChuShengRiQi": "195001",
        "ZhengZhiMianMao": "某协会会员",
        "GongZuoDanWeiJiZhiWu": "退休",
    }
    spouse = {**builders.FAMILY[0], "ChengWei": "爱人"}
    record = parse_lrmx(builders.lrmx(JiaTingChengYuan=[spouse, member]), "a.lrmx")
    assert record.is_valid
    assert record.family[0]["relation"].name == "妻子" and record.family[0]["relation_text"] == "爱人"
    assert record.family[1]["relation"] is None and record.family[1]["relation_text"] == "干爹"
    assert record.family[1]["political_status"] is None
    assert record.family[1]["political_status_text"] == "某协会会员"
    columns = {(w.field, w.column) for w in record.warnings}
    assert ("家庭主要成员及重要社会关系第2项称谓", "JiaTingChengYuan") in columns
    assert ("家庭主要成员及重要社会关系第2项政治面貌", "JiaTingChengYuan") in columns


@pytest.mark.parametrize(
    ("image", "kind"), [(builders.JPEG, "image/jpeg"), (builders.PNG, "image/png"), (builders.BMP, "image/bmp")]
)
def test_photo_types_by_magic_bytes(image, kind):
    record = parse_lrmx(builders.lrmx(ZhaoPian=base64.b64encode(image).decode()), "a.lrmx")
    assert record.photo == image and record.photo_content_type == kind


def test_photo_with_line_breaks_and_a_data_uri_prefix():
    encoded = base64.encodebytes(builders.JPEG).decode()
    record = parse_lrmx(builders.lrmx(ZhaoPian=f"data:image/jpeg;base64,{encoded}"), "a.lrmx")
    assert record.photo == builders.JPEG


def test_photo_that_is_not_an_image_or_too_large_is_left_out_with_a_warning(settings):
    record = parse_lrmx(builders.lrmx(ZhaoPian=base64.b64encode(b"GIF89a....").decode()), "a.lrmx")
    assert record.photo is None and "不是JPEG、PNG或BMP" in record.warnings[0].message
    record = parse_lrmx(builders.lrmx(ZhaoPian="!!!not base64!!!"), "a.lrmx")
    assert record.photo is None and "base64" in record.warnings[0].message
    settings.INTERCHANGE_LIMITS = {**settings.INTERCHANGE_LIMITS, "photo_bytes": 50}
    record = parse_lrmx(builders.lrmx(), "a.lrmx")
    assert record.photo is None and "上限" in record.warnings[0].message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Person><XingMing>&b;</XingMing></Person>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Person><XingMing>&x;</XingMing></Person>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE Person SYSTEM "http://example.invalid/p.dtd"><Person/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD])
def test_doctype_and_entities_are_refused_in_chinese(data):
    record = parse_lrmx(data, "evil.lrmx")
    [error] = record.errors
    assert "DOCTYPE" in error.message and "安全" in error.message
    assert record.cadre == {}


def test_malformed_xml_and_a_wrong_root_are_errors():
    assert "格式正确的XML" in parse_lrmx(b"<Person><XingMing>x</Person>", "a.lrmx").errors[0].message
    assert "根元素应为Person" in parse_lrmx(b"<Root/>", "a.lrmx").errors[0].message
    assert (
        "编码" in parse_lrmx(b"\xff\xfe\x00<bad", "a.lrmx").errors[0].message
        or parse_lrmx(b"\xff\xfe\x00<bad", "a.lrmx").errors
    )


def test_a_gbk_file_with_its_declaration():
    data = builders.lrmx(bom=False, declaration='<?xml version="1.0" encoding="gb2312"?>', encoding="gbk")
    record = parse_lrmx(data, "a.lrmx")
    assert record.is_valid, issues(record)
    assert record.cadre["name"] == "王小明"


def test_required_cells_missing_are_errors():
    record = parse_lrmx(builders.lrmx(XingMing=None, XingBie="未知", ChuShengNianYue=""), "a.lrmx")
    columns = {e.column for e in record.errors}
    assert {"XingMing", "XingBie", "ChuShengNianYue"} <= columns


# --- writing -------------------------------------------------------------------------------


def test_writer_uses_the_editors_layout():
    record = parse_lrmx(builders.lrmx(**builders.with_id()), "a.lrmx")
    data = write_lrmx(record)
    assert data.startswith(b"\xef\xbb\xbf<?xml")
    text = data.decode("utf-8-sig")
    positions = [text.index(f"<{name}") for name in (*builders.ELEMENT_ORDER, "Version")]
    assert positions == sorted(positions), "elements must follow the national form's order"
    assert text.rstrip().endswith(f"<Version>{WRITER_VERSION}</Version>\n</Person>")
    written = cells_of(data)
    assert written["ChuShengNianYue"] == "197503"
    assert written["CanJiaGongZuoShiJian"] == "199707"
    assert written["GaiGeQianRenZhiNianLingJieXian"] == "改革前任职年龄界限为60岁"
    # 60 + 31 months of delay for a man whose original month is 2035-03.
    assert written["DaoLingNianYue"] == "203710"
    assert written["NiRenZhiWu"] == "" and written["RenMianLiYou"] == ""
    assert "\r\n" in data.decode("utf-8-sig").split("<JianLi>")[1].split("</JianLi>")[0]


def test_writer_fills_the_reform_fields_for_a_woman_from_her_sex():
    number = id_number_for(datetime.date(1970, 5, 9), "2")
    record = parse_lrmx(
        builders.lrmx(
            XingBie="女",
            ChuShengNianYue="197005",
            ShenFenZheng=number,
            GaiGeQianRenZhiNianLingJieXian=None,
            DaoLingNianYue=None,
        ),
        "a.lrmx",
    )
    written = cells_of(write_lrmx(record))
    assert written["GaiGeQianRenZhiNianLingJieXian"] == "改革前任职年龄界限为55岁"
    assert written["DaoLingNianYue"] == "202507"  # DOMAIN.md 6.1: born 1970-05 → 2025-07


def test_lrmx_to_record_to_lrmx_preserves_every_cell():
    original = builders.lrmx(**builders.with_id())
    first = cells_of(original)
    again = cells_of(write_lrmx(parse_lrmx(original, "a.lrmx")))
    for name in builders.ELEMENT_ORDER:
        assert again[name] == first[name] or (
            name == "JianLi" and again[name].replace("\r", "") == first[name].replace("\r", "")
        ), name
    assert again["JiaTingChengYuan"] == first["JiaTingChengYuan"]


def test_record_to_lrmx_to_record_preserves_every_field():
    record = parse_lrmx(
        builders.lrmx(
            **builders.with_id(
                RuDangShiJian="199506；民盟",
                NiRenZhiWu="甲县人民政府副县长",
                NiMianZhiWu="甲县财政局局长",
                RenMianLiYou="工作需要",
                ChengBaoDanWei="中共甲县县委组织部",
                JiSuanNianLingShiJian="20240615",
                TianBiaoShiJian="202406",
                TianBiaoRen="赵某",
                QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="另一所大学",
            )
        ),
        "a.lrmx",
    )
    assert record.is_valid, issues(record)
    again = parse_lrmx(write_lrmx(record), "b.lrmx")
    assert diff_records(record, again) == []
    assert again.cadre == record.cadre
    assert again.resume == record.resume
    assert again.appraisals == record.appraisals
    assert again.educations == record.educations
    assert again.family == record.family
    assert again.photo == record.photo
    assert {k: v for k, v in again.proposed.items() if k != "retirement_month"} == {
        k: v for k, v in record.proposed.items() if k != "retirement_month"
    }
