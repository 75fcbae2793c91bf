"""Export of the cadre list to .xlsx: exactly the visible, filtered rows
and the chosen columns, scoped like the list, with Chinese headers and a
Chinese file name, and safe against formula injection."""

from __future__ import annotations

import datetime
import io
import zipfile
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Role
from personnel.exports import COLUMNS, mask_id_number
from personnel.models import Code, CodeTable, Education, EducationKind
from personnel.views import browse
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db
EXPORT = "/cadres/export.xlsx"
AS_OF = "2026-06-30"


def code(table, value):
    return Code.objects.get(table=table, code=value)


@pytest.fixture
def world():
    root = make_unit("甲县")
    finance = make_unit("甲县财政局", parent=root)
    school = make_unit("甲县实验学校", parent=root)
    other_root = make_unit("乙县")
    other = make_unit("乙县财政局", parent=other_root)
    jur_a = make_jurisdiction("甲县委组织部", root)
    jur_b = make_jurisdiction("乙县委组织部", other_root)
    zhang = make_cadre(
        finance,
        name="张三",
        birth_date=datetime.date(1985, 3, 1),
        post_level=code(CodeTable.POST_LEVEL, "1A41"),
        current_post="甲县财政局局长",
        current_post_date=datetime.date(2015, 1, 1),
    )
    Education.objects.create(cadre=zhang, kind=EducationKind.FULL_TIME, education=code(CodeTable.EDUCATION, "21"))
    li = make_cadre(school, name="李四", sex="2", birth_date=datetime.date(1992, 8, 1))
    wang = make_cadre(finance, name="王五", birth_date=datetime.date(1970, 11, 1))
    make_cadre(other, name="张山")
    return {
        "finance": finance,
        "school": school,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "org_staff_a": make_user("org_staff_a", Role.ORG_STAFF, jurisdiction=jur_a),
        "org_staff_b": make_user("org_staff_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
        "clerk_finance": make_user("clerk_finance", Role.UNIT_CLERK, unit=finance),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=other),
        "audit_admin": make_user("audit_admin", Role.AUDIT_ADMIN),
    }


def export(client, world, persona, **params):
    client.force_login(world[persona])
    return client.get(EXPORT, params)


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    return workbook.active, data


def rows_of(response):
    sheet, _ = sheet_of(response)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_holds_exactly_the_filtered_rows_and_chosen_columns(client, world):
    response = export(
        client, world, "org_staff_a", unit=world["finance"].pk, cols=["birth", "age", "id_number"], as_of=AS_OF
    )
    rows = rows_of(response)
    assert rows[0] == ["姓名", "出生年月", "年龄", "公民身份号码"]
    zhang, wang = world["zhang"], world["wang"]
    # The list's default order: unit tree, then id.
    assert rows[1:] == [
        ["张三", "1985.03", 41, zhang.id_number],
        ["王五", "1970.11", 55, wang.id_number],
    ]


def test_export_matches_the_list_page(client, world):
    params = {"ordering": "-birth_date", "cols": [c.key for c in COLUMNS], "as_of": AS_OF}
    rows = rows_of(export(client, world, "org_staff_a", **params))
    assert rows[0] == [c.label for c in COLUMNS]
    assert [row[0] for row in rows[1:]] == ["李四", "张三", "王五"]
    zhang_row = dict(zip(rows[0], rows[2], strict=True))
    assert zhang_row["单位"] == "甲县财政局"
    assert zhang_row["现任职务"] == "甲县财政局局长"
    assert zhang_row["职务层次"] == "乡科级正职"
    assert zhang_row["学历"] == "大学"
    assert zhang_row["任现职年限"] == 11
    assert zhang_row["退休时间"] == "2048.03"
    assert zhang_row["性别"] == "男"
    assert zhang_row["籍贯"] is None


def test_default_columns_and_search(client, world):
    rows = rows_of(export(client, world, "org_staff_a", q="zs"))
    assert [row[0] for row in rows[1:]] == ["张三"]
    assert rows[0][:4] == ["姓名", "性别", "出生年月", "年龄"]


def test_export_is_scoped_like_the_list(client, world):
    assert rows_of(export(client, world, "org_staff_b", unit=world["finance"].pk)) == [rows_of_header(client, world)]
    rows = rows_of(export(client, world, "org_staff_b", status=""))
    assert [row[0] for row in rows[1:]] == ["张山"]
    rows = rows_of(export(client, world, "clerk_b", q="张三"))
    assert rows[1:] == []
    rows = rows_of(export(client, world, "clerk_finance", cols="id_number"))
    assert [row[0] for row in rows[1:]] == ["张三", "王五"]
    # Only org staff of the jurisdiction get full ID numbers.
    assert rows[1][1] == mask_id_number(world["zhang"].id_number)
    rows = rows_of(export(client, world, "leader_a", cols="id_number", q="zs"))
    assert rows[1][1] == mask_id_number(world["zhang"].id_number)


def rows_of_header(client, world):
    return rows_of(export(client, world, "org_staff_a", q="no-such-person-xyz"))[0]


def test_admin_roles_and_anonymous_cannot_export(client, world):
    assert export(client, world, "audit_admin").status_code == 403
    client.logout()
    response = client.get(EXPORT)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_file_name_is_chinese_with_rfc5987(client, world):
    response = export(client, world, "org_staff_a")
    disposition = response["Content-Disposition"]
    today = datetime.date.today().strftime("%Y%m%d")
    assert disposition.startswith("attachment; ")
    assert f'filename="cadres_{today}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(f'干部名册_{today}.xlsx')}" in disposition
    assert response["Cache-Control"].startswith("max-age=0")


INJECTIONS = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")', "#N/A"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_formula_injection_is_written_as_text(client, world, value):
    make_cadre(world["school"], name="注入", current_post=value, native_place=value[:60])
    response = export(client, world, "org_staff_a", q="注入", cols=["current_post", "native_place"])
    sheet, data = sheet_of(response)
    assert [cell.value for cell in sheet[1]] == ["姓名", "籍贯", "现任职务"]
    for cell in sheet[2][1:]:
        assert cell.data_type == "s"
        # A carriage return is written as Excel's in-cell line break.
        assert cell.value == value.replace("\r", "\n")
        if value[0] in "=+-@\t\r":
            # The quote prefix: Excel keeps it text even when the cell is edited.
            assert cell.quotePrefix is True
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_control_characters_do_not_break_the_file(client, world):
    make_cadre(world["school"], name="控制", current_post="局长\x01\x0b助理")
    rows = rows_of(export(client, world, "org_staff_a", q="控制", cols="current_post"))
    assert rows[1] == ["控制", "局长助理"]


def test_invalid_filters_go_back_to_the_list_with_a_message(client, world):
    response = export(client, world, "org_staff_a", age_min="abc", q="张")
    assert response.status_code == 302
    assert response["Location"].startswith("/cadres/?")
    assert "age_min=abc" in response["Location"]
    page = client.get(response["Location"])
    assert "无法导出" in page.content.decode()


def test_too_large_an_export_is_refused_with_a_message(client, world, monkeypatch):
    monkeypatch.setattr(browse, "EXPORT_MAX_ROWS", 2)
    response = export(client, world, "org_staff_a")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "超过 2 人" in page.content.decode()
    monkeypatch.setattr(browse, "EXPORT_MAX_ROWS", 3)
    assert len(rows_of(export(client, world, "org_staff_a"))) == 4


def test_export_queries_do_not_grow_with_rows(client, world):
    client.force_login(world["org_staff_a"])
    params = {"cols": [c.key for c in COLUMNS]}

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(EXPORT, params)
            b"".join(response.streaming_content)
        return len(queries)

    few = count()
    for i in range(30):
        cadre = make_cadre(world["school"], name=f"批量{i}", post_level=code(CodeTable.POST_LEVEL, "1A42"))
        Education.objects.create(cadre=cadre, kind=EducationKind.FULL_TIME, education=code(CodeTable.EDUCATION, "21"))
    assert count() == few
