"""Writes through personnel.services: ID-number checks, scope, concurrency,
unit moves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from personnel import services
from personnel.models import Cadre, ChangeRequest, ResumeEntry, Unit
from personnel.rules import id_number_check_character
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1949, 12, 31)
FEMALE_ID = "11010519491231002X"  # the standard's own example: 1949-12-31, female


@pytest.fixture
def county():
    root = make_unit("甲县")
    unit = make_unit("甲县财政局", parent=root)
    other_root = make_unit("乙县")
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("甲县委组织部", root))
    return {"root": root, "unit": unit, "other_root": other_root, "officer": officer}


def _data(county, **overrides):
    data = {"name": "王 芳", "sex": "2", "birth_date": BIRTH, "unit": county["unit"], "id_number": FEMALE_ID}
    data.update(overrides)
    return data


def test_create_normalizes_name_and_computes_pinyin(county):
    cadre = services.cadre_create(actor=county["officer"], data=_data(county))
    assert cadre.name == "王芳"
    assert (cadre.name_pinyin, cadre.name_initials) == ("wangfang", "WF")


def test_lower_case_x_is_normalized(county):
    cadre = services.cadre_create(actor=county["officer"], data=_data(county, id_number="11010519491231002x"))
    assert cadre.id_number == FEMALE_ID


def test_fifteen_digit_number_is_upgraded(county):
    cadre = services.cadre_create(actor=county["officer"], data=_data(county, id_number="110105491231002"))
    assert cadre.id_number == "11010519491231002" + id_number_check_character("11010519491231002")


def test_wrong_check_character_is_refused_in_chinese(county):
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(actor=county["officer"], data=_data(county, id_number="110105194912310021"))
    assert "校验位" in exc.value.message_dict["id_number"][0]
    assert not Cadre.objects.exists()


def test_birth_date_and_sex_must_agree_with_the_id_number(county):
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(
            actor=county["officer"], data=_data(county, sex="1", birth_date=datetime.date(1950, 1, 1))
        )
    messages = exc.value.message_dict["id_number"]
    assert any("出生年月" in m for m in messages)
    assert any("性别" in m for m in messages)


def test_id_number_is_unique(county):
    services.cadre_create(actor=county["officer"], data=_data(county))
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(actor=county["officer"], data=_data(county, name="李芳"))
    assert "id_number" in exc.value.message_dict


def test_missing_id_number_is_allowed_and_stored_as_null(county):
    first = services.cadre_create(actor=county["officer"], data=_data(county, id_number=""))
    second = services.cadre_create(actor=county["officer"], data=_data(county, id_number=None, name="李芳"))
    assert first.id_number is None and second.id_number is None


def test_officer_cannot_create_outside_jurisdiction(county):
    with pytest.raises(PermissionDenied):
        services.cadre_create(actor=county["officer"], data=_data(county, unit=county["other_root"]))
    assert not Cadre.objects.exists()


def test_leader_cannot_write(county):
    leader = make_user("leader", Role.LEADER, jurisdiction=county["officer"].role_assignments.get().jurisdiction)
    cadre = make_cadre(county["unit"])
    with pytest.raises(PermissionDenied):
        services.cadre_update(actor=leader, cadre=cadre, data={"note": "x"})
    cadre.refresh_from_db()
    assert cadre.note == ""


def test_stale_version_is_refused(county):
    cadre = make_cadre(county["unit"])
    first = services.cadre_update(
        actor=county["officer"], cadre=cadre, data={"note": "第一人"}, expected_version=cadre.version
    )
    assert first.version == cadre.version + 1
    with pytest.raises(services.StaleRecord) as exc:
        services.cadre_update(actor=county["officer"], cadre=cadre, data={"note": "第二人"}, expected_version=1)
    assert exc.value.current.note == "第一人"


def test_a_subrecord_save_against_an_old_version_is_refused_and_writes_nothing(county):
    cadre = make_cadre(county["unit"])
    seen = cadre.version
    services.subrecord_save(
        actor=county["officer"],
        record=ResumeEntry(cadre=cadre, start_date=datetime.date(2001, 7, 1), content="第一段"),
        expected_version=seen,
    )
    with pytest.raises(services.StaleRecord) as exc:
        services.subrecord_save(
            actor=county["officer"],
            record=ResumeEntry(cadre=cadre, start_date=datetime.date(2005, 7, 1), content="第二段"),
            expected_version=seen,
        )
    assert exc.value.current.version == seen + 1
    assert list(ResumeEntry.objects.filter(cadre=cadre).values_list("content", flat=True)) == ["第一段"]


def test_a_subrecord_delete_against_an_old_version_is_refused(county):
    cadre = make_cadre(county["unit"])
    entry = services.subrecord_save(
        actor=county["officer"], record=ResumeEntry(cadre=cadre, start_date=datetime.date(2001, 7, 1), content="一段")
    )
    with pytest.raises(services.StaleRecord):
        services.subrecord_delete(actor=county["officer"], record=entry, expected_version=cadre.version)
    assert ResumeEntry.objects.filter(pk=entry.pk).exists()
    services.subrecord_delete(actor=county["officer"], record=entry, expected_version=cadre.version + 1)
    assert not ResumeEntry.objects.filter(pk=entry.pk).exists()


def test_a_change_request_against_an_old_version_is_refused(county):
    cadre = make_cadre(county["unit"])
    clerk = make_user("clerk", Role.UNIT_CLERK, unit=county["unit"])
    services.cadre_update(actor=county["officer"], cadre=cadre, data={"note": "新"})
    with pytest.raises(services.StaleRecord):
        services.change_request_submit(
            actor=clerk, cadre=cadre, changes={"note": "旧表单"}, expected_version=cadre.version
        )
    assert not ChangeRequest.objects.filter(cadre=cadre).exists()


def test_moving_a_unit_moves_its_subtree(county):
    child = make_unit("下属中心", parent=county["unit"])
    grandchild = make_unit("下属站", parent=child)
    new_parent = make_unit("甲县发改局", parent=county["root"])
    services.unit_update(actor=county["officer"], unit=child, data={"parent": new_parent})
    grandchild.refresh_from_db()
    assert grandchild.path == f"{new_parent.path}{child.pk}/{grandchild.pk}/"


def test_unit_cannot_move_under_itself(county):
    child = make_unit("下属中心", parent=county["unit"])
    with pytest.raises(ValidationError):
        services.unit_update(actor=county["officer"], unit=county["unit"], data={"parent": child})
    assert Unit.objects.get(pk=county["unit"].pk).parent == county["root"]


def test_computed_values(county):
    cadre = make_cadre(
        county["unit"],
        birth_date=datetime.date(1985, 6, 15),
        current_post_date=datetime.date(2019, 3, 1),
        post_level_date=datetime.date(2016, 7, 1),
    )
    when = datetime.date(2025, 6, 14)
    assert cadre.age_at(when) == 39
    assert cadre.years_in_post(when) == 6
    assert cadre.years_at_level(when) == 8
    assert cadre.generation == "80后"
    # Man born 1985-06: original 2045-06 → delay capped at 36 months → 2048-06.
    assert cadre.retirement_month() == datetime.date(2048, 6, 1)


def test_a_bad_id_number_gives_one_readable_message(county):
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(actor=county["officer"], data=_data(county, id_number="123"))
    assert exc.value.message_dict == {"id_number": ["公民身份号码应为18位（或旧式15位），实际为3位"]}
