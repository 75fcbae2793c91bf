"""Reading the older LRM form file: GBK text, 33 quoted fields, # and @."""

from __future__ import annotations

import datetime

import pytest

from interchange.diff import diff_records
from interchange.lrm import parse_lrm
from interchange.lrmx import parse_lrmx
from tests.interchange import builders

pytestmark = pytest.mark.django_db


def test_a_gbk_lrm_file_with_its_photo():
    record = parse_lrm(builders.lrm(), builders.JPEG, "王小明.lrm")
    assert record.is_valid, record.errors
    c = record.cadre
    assert c["name"] == "王小明" and c["sex"] == "1"
    assert c["birth_date"].value == datetime.date(1975, 3, 1)
    assert c["party_join_date"].value == datetime.date(1995, 6, 1)
    assert c["birthplace"] == "浙江杭州" and c["health"].name == "健康"
    assert c["id_number"] is None  # LRM has no ID number
    kinds = {(e["kind"], e["education"].name if e["education"] else None) for e in record.educations}
    assert kinds == {("full_time", "大学"), ("in_service", "研究生")}
    assert [e["content"] for e in record.resume][-1] == "甲县财政局局长"
    assert [m["name"] for m in record.family] == ["李某某", "王某", "王某某"]
    assert record.family[2]["is_deceased"]
    assert record.photo == builders.JPEG
    assert record.proposed["proposed_post"] == "甲县人民政府副县长"
    assert record.proposed["filled_at"].value == datetime.date(2024, 6, 15)


def test_lrm_and_lrmx_of_the_same_form_read_the_same():
    from_lrm = parse_lrm(builders.lrm(), builders.JPEG, "a.lrm")
    from_lrmx = parse_lrmx(builders.lrmx(GaiGeQianRenZhiNianLingJieXian=None, DaoLingNianYue=None), "a.lrmx")
    assert diff_records(from_lrmx, from_lrm) == []


def test_utf8_lrm_is_read_as_utf8():
    assert parse_lrm(builders.lrm(encoding="utf-8"), None, "a.lrm").cadre["name"] == "王小明"
    assert parse_lrm(b"\xef\xbb\xbf" + builders.lrm(encoding="utf-8"), None, "a.lrm").cadre["name"] == "王小明"


def test_bad_field_is_reported_by_its_index():
    record = parse_lrm(builders.lrm(f2="1975.13"), None, "a.lrm")
    [error] = record.errors
    assert (error.field, error.column) == ("出生年月", "字段2")


def test_a_file_with_too_few_fields_is_an_error():
    record = parse_lrm('"王小明","男"'.encode("gbk"), None, "a.lrm")
    assert "应有33个" in record.errors[0].message


def test_a_pic_that_is_not_an_image_is_a_warning():
    record = parse_lrm(builders.lrm(), b"not an image", "a.lrm")
    assert record.is_valid and record.photo is None
    assert record.warnings[0].column == ".pic"
