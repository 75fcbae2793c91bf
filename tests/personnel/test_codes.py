import importlib.util
import json
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import call_command

from personnel.codes import DATA_FILE, code_index, code_lookup, find_code, load_codes, read_code_data, sync_codes
from personnel.models import Code, CodeTable

REPO = Path(__file__).resolve().parents[2]
# The national code tables as the form editor ships them (a copy of
# shared/reference/codes/DmGrp.xml kept in the repository, so the converter's
# check runs in every checkout, not only beside shared/).
XML = REPO / "tools" / "reference" / "DmGrp.xml"

# Entries per group in DmGrp.xml, counted from the file (DOMAIN.md section 4 agrees).
XML_COUNTS = {
    "GB22611": 2,
    "GB22613": 3,
    "NLLB": 6,
    "GB3304": 60,
    "GB4761": 81,
    "GB4762": 13,
    "ZB01": 2342,
    "GB8561": 351,
    "ZB64": 19,
    "GB6864": 56,
}
# ZB01 lists 530821 twice (云南普洱, then its 2007 name 云南宁洱): one code, so one fewer row.
LOADED_COUNTS = {**XML_COUNTS, "ZB01": 2341, "ZB09": 12, "ZJ2019": 12}

POST_LEVELS = [
    ("1A11", "省部级正职"),
    ("1A12", "省部级副职"),
    ("1A21", "厅局级正职"),
    ("1A22", "厅局级副职"),
    ("1A31", "县处级正职"),
    ("1A32", "县处级副职"),
    ("1A41", "乡科级正职"),
    ("1A42", "乡科级副职"),
    ("1A50", "科员"),
    ("1A60", "办事员"),
    ("1A98", "试用期人员"),
    ("1A99", "其他"),
]
RANKS = [
    ("一级巡视员", "1A21"),
    ("二级巡视员", "1A22"),
    ("一级调研员", "1A31"),
    ("二级调研员", "1A31"),
    ("三级调研员", "1A32"),
    ("四级调研员", "1A32"),
    ("一级主任科员", "1A41"),
    ("二级主任科员", "1A41"),
    ("三级主任科员", "1A42"),
    ("四级主任科员", "1A42"),
    ("一级科员", None),
    ("二级科员", None),
]


def _snapshot():
    return list(
        Code.objects.order_by("table", "code").values_list(
            "id", "table", "code", "name", "pinyin", "parent_id", "sort_order", "attrs", "is_active"
        )
    )


def _get(table, code):
    return Code.objects.get(table=table, code=code)


def test_xml_has_the_documented_entry_counts():
    root = ElementTree.parse(XML).getroot()
    counts = {group.get("id"): len(group.findall("dmcod")) for group in root.findall("dmgrp")}
    assert counts == XML_COUNTS
    assert sum(counts.values()) == 2933


def test_shipped_data_file_is_the_converters_output(monkeypatch):
    spec = importlib.util.spec_from_file_location("convert_dmgrp", REPO / "tools" / "convert_dmgrp.py")
    assert spec is not None and spec.loader is not None
    converter = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "convert_dmgrp", converter)  # dataclasses look their module up
    spec.loader.exec_module(converter)
    warnings: list[str] = []
    data = converter.build(XML, warnings)
    assert converter.dumps(data) == DATA_FILE.read_text(encoding="utf-8")
    assert len(warnings) == 1 and "530821" in warnings[0]


def test_data_file_covers_every_code_table_choice():
    tables = read_code_data()
    assert {t.table: len(t.rows) for t in tables} == LOADED_COUNTS
    assert {t.table for t in tables} == set(CodeTable.values)
    assert json.loads(DATA_FILE.read_text(encoding="utf-8"))["tables"][0]["codes"][0] == ["1", "男", "N", None]


@pytest.mark.django_db
def test_migration_loaded_each_table_with_its_count():
    counts = Counter(Code.objects.filter(is_active=True).values_list("table", flat=True))
    assert dict(counts) == LOADED_COUNTS
    assert Code.objects.count() == 2932 + 24


@pytest.mark.django_db
def test_file_order_is_sort_order():
    assert list(Code.objects.filter(table="NLLB").order_by("sort_order").values_list("code", flat=True)) == [
        "60",
        "63",
        "65",
        "66",
        "55",
        "-1",
    ]


@pytest.mark.django_db
def test_region_hierarchy_keeps_parents():
    district = _get("ZB01", "110101")
    assert district.name == "北京东城"
    assert district.parent is not None and district.parent.code == "110000"
    assert district.parent.parent is None  # parentid="zb01" is the top level
    assert Code.objects.filter(table="ZB01", parent__isnull=True).count() == 34


@pytest.mark.django_db
def test_education_and_degree_hierarchy_keeps_parents():
    university = _get("ZB64", "21")
    assert university.name == "大学"
    assert university.parent is not None
    assert (university.parent.code, university.parent.name, university.parent.parent) == ("2", "本科教育", None)
    assert _get("ZB64", "35").parent is None  # 中专 is top level in ZB64, not under 专科教育
    assert _get("GB6864", "201").parent == _get("GB6864", "2")
    assert not Code.objects.filter(table="GB3304", parent__isnull=False).exists()


@pytest.mark.django_db
def test_pinyin_initials_are_the_form_editors():
    assert _get("GB3304", "01").pinyin == "HZ"
    # The editor's initials read polyphonic place names correctly (朝 = chao here).
    assert _get("ZB01", "110105").pinyin == "BJCY"
    # Trailing blanks in the XML are stripped.
    banner = _get("ZB01", "152525")
    assert (banner.name, banner.pinyin) == ("内蒙古东乌珠穆沁旗", "NMGDWZMQQ")


@pytest.mark.django_db
def test_repeated_region_code_keeps_later_name_and_remembers_former():
    county = _get("ZB01", "530821")
    assert county.name == "云南宁洱"
    assert county.attrs == {"former_names": ["云南普洱"]}
    assert find_code("ZB01", "云南普洱") == county


@pytest.mark.django_db
def test_post_levels():
    levels = list(Code.objects.filter(table="ZB09").order_by("sort_order"))
    assert [(c.code, c.name) for c in levels] == POST_LEVELS
    county_head = _get("ZB09", "1A31")
    assert county_head.pinyin == "XCJZZ"
    assert county_head.attrs == {"tier": "county", "principal": True, "leadership": True}
    assert _get("ZB09", "1A42").attrs == {"tier": "section", "principal": False, "leadership": True}
    assert _get("ZB09", "1A50").attrs == {"leadership": False}


@pytest.mark.django_db
def test_ranks_highest_first_with_post_level_correspondence():
    ranks = list(Code.objects.filter(table="ZJ2019").order_by("sort_order"))
    assert [(c.name, c.attrs["post_level"]) for c in ranks] == RANKS
    assert [c.attrs["order"] for c in ranks] == list(range(1, 13))
    assert [c.code for c in ranks] == [f"{n:02d}" for n in range(1, 13)]
    assert ranks[2].pinyin == "YJDYY"  # 调研员: diao, not tiao
    post_levels = set(Code.objects.filter(table="ZB09").values_list("code", flat=True))
    assert {c.attrs["post_level"] for c in ranks} - {None} <= post_levels


@pytest.mark.django_db
def test_second_load_changes_nothing_and_creates_no_duplicates(django_assert_max_num_queries):
    before = _snapshot()
    with django_assert_max_num_queries(5):
        report = sync_codes()
    assert report.changed == 0
    assert _snapshot() == before
    assert load_codes() == LOADED_COUNTS
    assert _snapshot() == before


@pytest.mark.django_db
def test_load_repairs_changed_rows_and_deactivates_unlisted_ones():
    county = _get("ZB01", "110101")
    county.name, county.parent, county.is_active, county.attrs = "改过的名字", None, False, {"x": 1}
    county.save()
    stray = Code.objects.create(table="ZB01", code="999999", name="已撤销的县", sort_order=9999)
    other = Code.objects.create(table="ZB01", code="999998", name="已停用", is_active=False)

    report = sync_codes()

    county.refresh_from_db()
    assert (county.name, county.parent_id, county.is_active, county.attrs) == (
        "北京东城",
        _get("ZB01", "110000").pk,
        True,
        {},
    )
    stray.refresh_from_db()
    other.refresh_from_db()
    assert stray.is_active is False  # kept for the records that may use it, not deleted
    assert other.is_active is False
    assert (report.created["ZB01"], report.updated["ZB01"], report.deactivated["ZB01"]) == (0, 1, 1)
    assert report.changed == 2


@pytest.mark.django_db
def test_load_into_an_empty_table_uses_bulk_queries(django_assert_max_num_queries):
    Code.objects.update(parent=None)
    Code.objects.all().delete()
    with django_assert_max_num_queries(20):
        report = sync_codes()
    assert report.created == LOADED_COUNTS
    assert _get("ZB01", "110101").parent == _get("ZB01", "110000")


@pytest.mark.django_db
def test_find_code_by_code_and_by_text():
    han = _get("GB3304", "01")
    assert find_code("GB3304", "01") == han
    assert find_code("GB3304", "汉族") == han
    assert find_code("GB3304", " 汉　族 ") == han  # ordinary and ideographic spaces
    assert find_code("ZB09", "1a31") == _get("ZB09", "1A31")
    # Half-width brackets match the table's full-width ones.
    assert find_code("GB8561", "讲师(高校)") == _get("GB8561", "013")
    assert find_code("ZJ2019", "一级调研员") == _get("ZJ2019", "03")


@pytest.mark.django_db
def test_find_code_returns_none_for_unknown_or_ambiguous_text():
    assert find_code("GB3304", "火星族") is None
    assert find_code("GB3304", "  ") is None
    assert find_code("GB3304", "1") is None  # codes match exactly, no zero padding guessed
    # 河南濮阳 is both the city (410900) and the county (410928): ask, don't guess.
    assert find_code("ZB01", "河南濮阳") is None
    assert find_code("GB8561", "编辑") is None
    assert find_code("GB4762", "汉族") is None  # other tables are not searched


@pytest.mark.django_db
def test_ambiguous_name_matches_the_only_active_code():
    Code.objects.filter(table="ZB01", code="410928").update(is_active=False)
    assert find_code("ZB01", "河南濮阳") == _get("ZB01", "410900")


@pytest.mark.django_db
def test_code_lookup_and_index_serve_batches(django_assert_num_queries):
    with django_assert_num_queries(1):
        index = code_index("ZB01")
    with django_assert_num_queries(0):
        assert index.find("北京东城") == index.find("110101")
    lookup = code_lookup("GB22611")
    assert list(lookup) == ["1", "2"]
    assert lookup["2"].name == "女"


@pytest.mark.django_db
def test_load_codes_command_prints_counts_in_chinese():
    out = StringIO()
    call_command("load_codes", stdout=out)
    text = out.getvalue()
    assert "GB3304 民族：60 条（新增 0，更新 0，停用 0）" in text
    assert "代码表加载完成：12 个代码表，共 2956 条代码。" in text
