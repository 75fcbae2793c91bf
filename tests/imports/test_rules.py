"""Who a row is and whether the uploader may touch them: matched by ID
number; duplicates, contradictions and people outside the uploader's units
are errors, never overwrites or moves."""

from __future__ import annotations

import datetime
from typing import Any

from imports.models import ImportRow, RowStatus
from tests.factories import make_cadre
from tests.imports.helpers import person, roster, upload


def _row(job: Any, number: int) -> ImportRow:
    return ImportRow.objects.get(job=job, row_number=number)


def test_a_duplicate_id_number_is_an_error_on_both_rows(county: dict[str, Any]) -> None:
    first = person("张明", datetime.date(1985, 3, 12))
    second = {**person("张明明", datetime.date(1985, 3, 12)), "公民身份号码": first["公民身份号码"]}
    job = upload(county["staff"], county["root"], roster([first, person("李华", datetime.date(1990, 1, 1)), second]))
    for number, other in ((2, "4"), (4, "2")):
        row = _row(job, number)
        assert row.status == RowStatus.INVALID
        assert any(f"另见第{other}行" in e["message"] for e in row.errors)
    assert _row(job, 3).status == RowStatus.NEW


def test_birth_date_or_sex_contradicting_the_id_number(county: dict[str, Any]) -> None:
    rows = [
        person("张明", datetime.date(1985, 3, 12), **{"出生年月": "1985.04"}),
        person("李华", datetime.date(1990, 1, 1), **{"性别": "女"}),
    ]
    job = upload(county["staff"], county["root"], roster(rows))
    birth = _row(job, 2).errors
    assert birth[0]["field"] == "出生年月" and birth[0]["column"] == "E" and "不一致" in birth[0]["message"]
    sex = _row(job, 3).errors
    assert sex[0]["field"] == "性别" and sex[0]["column"] == "C"


def test_a_person_of_another_unit_is_an_error_not_an_overwrite(county: dict[str, Any]) -> None:
    outsider = make_cadre(county["other"], name="赵六", current_post="白水县职务")
    row = person("赵六", outsider.birth_date, **{"公民身份号码": outsider.id_number, "现任职务": "篡改"})
    job = upload(county["clerk"], county["finance"], roster([row]))
    error = _row(job, 2).errors[0]
    assert "不在您的管理范围内" in error["message"]
    # Nothing about where the person is leaks to the clerk.
    assert "白水" not in error["message"]
    outsider.refresh_from_db()
    assert outsider.current_post == "白水县职务"


def test_a_sibling_units_person_is_outside_a_clerks_scope(county: dict[str, Any]) -> None:
    taxman = make_cadre(county["tax"], name="钱七")
    row = person("钱七", taxman.birth_date, **{"公民身份号码": taxman.id_number, "所在单位": "县财政局"})
    job = upload(county["clerk"], county["finance"], roster([row]))
    assert "不在您的管理范围内" in _row(job, 2).errors[0]["message"]


def test_org_staff_see_where_a_person_is_when_outside_the_chosen_unit(county: dict[str, Any]) -> None:
    taxman = make_cadre(county["tax"], name="钱七")
    row = person("钱七", taxman.birth_date, **{"公民身份号码": taxman.id_number})
    job = upload(county["staff"], county["finance"], roster([row]))
    assert "县税务局" in _row(job, 2).errors[0]["message"]


def test_units_are_resolved_inside_the_import_unit(county: dict[str, Any]) -> None:
    rows = [
        person("甲", datetime.date(1985, 1, 1), **{"所在单位": "办公室"}),
        person("乙", datetime.date(1985, 2, 1), **{"所在单位": "县财政局/办公室"}),
        person("丙", datetime.date(1985, 3, 1), **{"所在单位": "白水县财政局"}),
        person("丁", datetime.date(1985, 4, 1), **{"所在单位": "县财政局"}),
    ]
    job = upload(county["staff"], county["root"], roster(rows))
    assert "多个同名单位" in _row(job, 2).errors[0]["message"]
    assert _row(job, 3).data["unit_id"] == county["office"].pk
    assert "不在导入单位" in _row(job, 4).errors[0]["message"]
    assert _row(job, 5).data["unit_id"] == county["finance"].pk
    clerk_job = upload(county["clerk"], county["finance"], roster([rows[0]]))
    assert _row(clerk_job, 2).data["unit_id"] == county["office"].pk


def test_a_clerk_cannot_import_into_another_unit(county: dict[str, Any]) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(county["clerk"], county["tax"], roster([person("甲", datetime.date(1985, 1, 1))]))
    with pytest.raises(PermissionDenied):
        upload(county["leader"], county["root"], roster([person("甲", datetime.date(1985, 1, 1))]))


def test_changed_people_show_the_difference_field_by_field(county: dict[str, Any]) -> None:
    cadre = make_cadre(county["finance"], name="张明", current_post="科员", birth_date=datetime.date(1985, 3, 12))
    row = person(
        "张明", cadre.birth_date, **{"公民身份号码": cadre.id_number, "现任职务": "副局长", "出生年月": "1985.03"}
    )
    row["民族"] = None
    job = upload(county["clerk"], county["finance"], roster([row]))
    changed = _row(job, 2)
    assert changed.status == RowStatus.CHANGED
    assert changed.match_note == "按公民身份号码匹配"
    labels = {c[1]: (c[2], c[3]) for c in changed.changes}
    # The roster's year-month does not overwrite the precise birth date; blank 民族 changes nothing.
    assert labels == {"现任职务": ("科员", "副局长"), "任现职时间": ("", "2020.01")}
    assert changed.data == {"current_post": "副局长", "current_post_date": "2020-01-01"}
