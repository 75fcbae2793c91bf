"""Editing a cadre in the browser: org staff save directly, a unit clerk's
edit becomes a change request, a leader can't edit, and a save over someone
else's newer save is refused and shown. Sub-records are edited as tables."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from personnel import services
from personnel.forms import parse_year_month
from personnel.models import Appraisal, Cadre, ChangeRequest, ChangeRequestStatus, Code, CodeTable, ResumeEntry
from tests.factories import id_number_for
from tests.personnel.test_cadre_page import build_world, client_for, form_data

pytestmark = pytest.mark.django_db
CadreEvent = Cadre.pgh_event_model  # type: ignore[attr-defined]


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


def edit_url(cadre: Any) -> str:
    return reverse("personnel:cadre-edit", kwargs={"cadre_id": cadre.pk})


def fresh(cadre: Cadre) -> Cadre:
    return Cadre.objects.get(pk=cadre.pk)


# --- org staff ----------------------------------------------------------------------


def test_org_staff_sees_the_form_with_searchable_code_selects(world):
    response = client_for(world["org_a"]).get(edit_url(world["cadre"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="version"' in body and f'value="{world["cadre"].version}"' in body
    assert 'data-searchable="1"' in body
    assert 'data-pinyin="HZ"' in body  # 汉族, findable by its initials
    assert "1975.03" in body  # year-month as the form writes it


def test_org_staff_edit_saves_and_history_names_them(world):
    cadre = world["cadre"]
    before = cadre.version
    response = client_for(world["org_a"]).post(
        edit_url(cadre), form_data(cadre, current_post="甲县财政局党组书记、局长", work_start_date="1997年8月")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("personnel:cadre-detail", kwargs={"cadre_id": cadre.pk})
    saved = fresh(cadre)
    assert saved.current_post == "甲县财政局党组书记、局长"
    assert saved.work_start_date == datetime.date(1997, 8, 1)
    assert saved.version == before + 1
    event = CadreEvent.objects.filter(pgh_obj_id=cadre.pk, pgh_label="update").latest("pgh_id")
    assert event.pgh_context.metadata["user"] == world["org_a"].pk
    assert event.current_post == "甲县财政局党组书记、局长"


def test_org_staff_can_move_a_cadre_within_their_jurisdiction_only(world):
    cadre = world["cadre"]
    client = client_for(world["org_a"])
    response = client.post(edit_url(cadre), form_data(cadre, unit=world["unit_b"].pk))
    assert response.status_code == 400
    assert "请从列表中选择有效的选项" in response.content.decode()
    assert fresh(cadre).unit_id == world["unit_a"].pk
    assert client.post(edit_url(cadre), form_data(cadre, unit=world["other_a"].pk)).status_code == 302
    assert fresh(cadre).unit_id == world["other_a"].pk


def test_unchanged_form_saves_nothing(world):
    cadre = world["cadre"]
    before = cadre.version
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre))
    assert response.status_code == 302
    assert fresh(cadre).version == before


def test_id_number_check_error_is_shown_in_chinese(world):
    cadre = world["cadre"]
    good = cadre.id_number
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, id_number=bad, note="改"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "公民身份号码校验位错误" in body
    assert '<div class="form-row has-error" data-field="id_number">' in body
    saved = fresh(cadre)
    assert saved.id_number == good and saved.note == ""


def test_id_number_that_contradicts_the_birth_date_is_refused(world):
    cadre = world["cadre"]
    other = id_number_for(datetime.date(1980, 1, 1), "1")
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, id_number=other))
    assert response.status_code == 400
    assert "与公民身份号码中的出生日期1980.01.01不一致" in response.content.decode()
    assert fresh(cadre).id_number != other


def test_id_number_is_normalized_by_the_service(world):
    cadre = world["cadre"]
    spaced = " ".join(cadre.id_number[i : i + 6] for i in range(0, 18, 6))
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, id_number=spaced, note="核对"))
    assert response.status_code == 302
    assert fresh(cadre).id_number == cadre.id_number


def test_bad_year_month_is_a_field_error(world):
    cadre = world["cadre"]
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, work_start_date="1997.13"))
    assert response.status_code == 400
    assert "请输入有效的年月" in response.content.decode()


# --- concurrent edits ---------------------------------------------------------------


def test_stale_version_shows_the_conflict_and_changes_nothing(world):
    cadre = world["cadre"]
    mine = form_data(cadre, expertise="我的修改")  # opened at this version
    seen_version = cadre.version
    services.cadre_update(actor=world["org_a2"], cadre=cadre, data={"current_post": "他人修改的职务"})

    response = client_for(world["org_a"]).post(edit_url(cadre), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "保存失败：在您编辑期间，该干部的信息已被他人修改" in body
    # What the other officer changed: as seen → now, beside my value.
    assert '<td class="rec-old">甲县财政局局长</td>' in body
    assert '<td class="rec-new">他人修改的职务</td>' in body
    assert "org_a2" in body  # who changed it in between
    # The fresh form is on the current version and keeps my own change.
    assert f'name="version" value="{seen_version + 1}"' in body
    assert 'value="我的修改"' in body
    assert 'value="他人修改的职务"' in body
    saved = fresh(cadre)
    assert saved.expertise == "财政预算管理"
    assert saved.current_post == "他人修改的职务"
    assert saved.version == seen_version + 1

    # Redoing the edit on the current version saves it and keeps theirs.
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, expertise="我的修改"))
    assert response.status_code == 302
    saved = fresh(cadre)
    assert (saved.expertise, saved.current_post) == ("我的修改", "他人修改的职务")


def test_both_changed_the_same_field_is_marked_as_a_clash(world):
    cadre = world["cadre"]
    mine = form_data(cadre, current_post="我改的职务")
    services.cadre_update(actor=world["org_a2"], cadre=cadre, data={"current_post": "他改的职务"})
    response = client_for(world["org_a"]).post(edit_url(cadre), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert '<tr class="rec-clash">' in body
    assert "冲突，请确认" in body
    assert fresh(cadre).current_post == "他改的职务"


def test_a_save_racing_past_the_version_check_is_refused_by_the_service(world, monkeypatch):
    """Someone saves between the page's version check and the service's
    locked check: the service's StaleRecord is shown the same way."""
    cadre = world["cadre"]
    real_update = services.cadre_update

    def racing_update(**kwargs: Any) -> Any:
        real_update(actor=world["org_a2"], cadre=kwargs["cadre"], data={"note": "抢先保存"})
        return real_update(**kwargs)

    monkeypatch.setattr(services, "cadre_update", racing_update)
    response = client_for(world["org_a"]).post(edit_url(cadre), form_data(cadre, expertise="我的修改"))
    assert response.status_code == 409
    saved = fresh(cadre)
    assert (saved.note, saved.expertise) == ("抢先保存", "财政预算管理")


def test_a_sub_record_change_in_between_is_a_conflict_too(world):
    cadre = world["cadre"]
    mine = form_data(cadre, expertise="我的修改")
    services.subrecord_save(
        actor=world["org_a2"], record=ResumeEntry(cadre=cadre, start_date=datetime.date(1993, 9, 1), content="大学学习")
    )
    response = client_for(world["org_a"]).post(edit_url(cadre), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "基本信息各项未变" in body
    assert "新增简历" in body
    assert fresh(cadre).expertise == "财政预算管理"


# --- unit clerks: change requests ---------------------------------------------------------


def test_clerk_edit_creates_a_change_request_and_changes_nothing(world):
    cadre = world["cadre"]
    before = fresh(cadre)
    client = client_for(world["clerk_a"])
    page = client.get(edit_url(cadre)).content.decode()
    assert "提交变更申请" in page
    assert 'name="unit"' not in page  # placement is org staff's decision
    response = client.post(
        edit_url(cadre), form_data(cadre, current_post="甲县财政局党组书记、局长", change_note="县委〔2025〕3号")
    )
    request = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("personnel:change-detail", kwargs={"request_id": request.pk})
    assert request.changes == {"current_post": "甲县财政局党组书记、局长"}  # only the changed field
    assert request.original == {"current_post": "甲县财政局局长"}
    assert request.status == ChangeRequestStatus.PENDING
    assert request.note == "县委〔2025〕3号"
    after = fresh(cadre)
    assert (after.current_post, after.version) == (before.current_post, before.version)
    detail = client.get(response["Location"]).content.decode()
    assert "待审核" in detail


def test_clerk_code_change_is_requested_by_id(world):
    cadre = world["cadre"]
    hui = Code.objects.get(table=CodeTable.ETHNICITY, code="03")
    client_for(world["clerk_a"]).post(edit_url(cadre), form_data(cadre, ethnicity=hui.pk))
    assert ChangeRequest.objects.get().changes == {"ethnicity": hui.pk}


def test_clerk_without_changes_is_told_so(world):
    cadre = world["cadre"]
    response = client_for(world["clerk_a"]).post(edit_url(cadre), form_data(cadre))
    assert response.status_code == 400
    assert "没有修改任何内容" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_clerk_proposal_with_a_bad_id_number_is_refused_in_chinese(world):
    cadre = world["cadre"]
    response = client_for(world["clerk_a"]).post(edit_url(cadre), form_data(cadre, id_number="12345"))
    assert response.status_code == 400
    assert "公民身份号码应为18位" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_clerk_with_a_stale_form_gets_the_conflict_not_a_request(world):
    cadre = world["cadre"]
    mine = form_data(cadre, expertise="专员的修改")
    services.cadre_update(actor=world["org_a"], cadre=cadre, data={"current_post": "新职务"})
    response = client_for(world["clerk_a"]).post(edit_url(cadre), mine)
    assert response.status_code == 409
    assert not ChangeRequest.objects.exists()


# --- who may not edit --------------------------------------------------------------------


def test_leader_cannot_edit(world):
    cadre = world["cadre"]
    client = client_for(world["leader_a"])
    assert client.get(edit_url(cadre)).status_code == 403
    response = client.post(edit_url(cadre), form_data(cadre, current_post="篡改"))
    assert response.status_code == 403
    assert fresh(cadre).current_post == "甲县财政局局长"
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("persona", ["org_b", "clerk_b", "clerk_other_a"])
def test_out_of_scope_edit_is_not_found_and_changes_nothing(world, persona):
    cadre = world["cadre"]
    client = client_for(world[persona])
    assert client.get(edit_url(cadre)).status_code == 404
    assert client.post(edit_url(cadre), form_data(cadre, current_post="篡改")).status_code == 404
    assert fresh(cadre).current_post == "甲县财政局局长"
    assert not ChangeRequest.objects.exists()


# --- sub-records --------------------------------------------------------------------------


def rows_url(cadre: Any, kind: str) -> str:
    return reverse(f"personnel:cadre-edit-{kind}", kwargs={"cadre_id": cadre.pk})


def rows_data(prefix: str, rows: list[dict[str, Any]], *, initial: int, version: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
        "version": version,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def resume_rows(cadre: Cadre) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.pk,
            "start_date": f"{entry.start_date:%Y.%m}",
            "end_date": f"{entry.end_date:%Y.%m}" if entry.end_date else "",
            "content": entry.content,
            "note": entry.note,
            "sort_order": entry.sort_order,
        }
        for entry in ResumeEntry.objects.filter(cadre=cadre)
    ]


def test_org_staff_edit_add_and_delete_resume_lines(world):
    cadre = fresh(world["cadre"])
    rows = resume_rows(cadre)
    rows[0]["DELETE"] = "on"
    rows[1]["content"] = "甲县财政局党组书记、局长"
    rows.append({"start_date": "1993.09", "end_date": "1997.07", "content": "浙江大学财政学专业学习", "sort_order": 0})
    response = client_for(world["org_a"]).post(
        rows_url(cadre, "resume"), rows_data("resume", rows, initial=2, version=cadre.version)
    )
    assert response.status_code == 302
    entries = list(ResumeEntry.objects.filter(cadre=cadre).values_list("start_date", "content"))
    assert entries == [
        (datetime.date(1993, 9, 1), "浙江大学财政学专业学习"),
        (datetime.date(2019, 4, 1), "甲县财政局党组书记、局长"),
    ]
    history = client_for(world["org_a"]).get(
        reverse("personnel:cadre-detail", kwargs={"cadre_id": cadre.pk}) + "?tab=history"
    )
    body = history.content.decode()
    assert "删除简历" in body and "新增简历" in body and "修改简历" in body


def test_sub_record_rows_are_all_or_nothing(world):
    cadre = fresh(world["cadre"])
    appraisals = list(Appraisal.objects.filter(cadre=cadre).order_by("-year"))
    rows = [{"id": a.pk, "year": a.year, "grade": a.grade, "note": ""} for a in appraisals]
    rows[0]["note"] = "已修改"
    rows.append({"year": 2023, "grade": "excellent", "note": ""})  # the year is already there
    response = client_for(world["org_a"]).post(
        rows_url(cadre, "appraisals"), rows_data("appraisals", rows, initial=2, version=cadre.version)
    )
    assert response.status_code == 400
    assert "已经存在" in response.content.decode()
    assert not Appraisal.objects.filter(note="已修改").exists()
    assert Appraisal.objects.filter(cadre=cadre).count() == 2


def test_sub_record_dates_in_the_wrong_order_are_refused(world):
    cadre = fresh(world["cadre"])
    rows = resume_rows(cadre)
    rows.append({"start_date": "2000.01", "end_date": "1999.01", "content": "倒序", "sort_order": 3})
    response = client_for(world["org_a"]).post(
        rows_url(cadre, "resume"), rows_data("resume", rows, initial=2, version=cadre.version)
    )
    assert response.status_code == 400
    assert "截止时间不能早于起始时间" in response.content.decode()
    assert not ResumeEntry.objects.filter(content="倒序").exists()


def test_stale_sub_record_page_changes_nothing(world):
    cadre = fresh(world["cadre"])
    rows = resume_rows(cadre)
    rows[1]["content"] = "我的修改"
    services.cadre_update(actor=world["org_a2"], cadre=cadre, data={"note": "他人修改"})
    response = client_for(world["org_a"]).post(
        rows_url(cadre, "resume"), rows_data("resume", rows, initial=2, version=cadre.version)
    )
    assert response.status_code == 409
    assert "在您编辑期间，该干部的信息已被他人修改" in response.content.decode()
    assert not ResumeEntry.objects.filter(content="我的修改").exists()


@pytest.mark.parametrize("kind", ["education", "resume", "family", "posts", "rewards", "appraisals"])
def test_every_sub_record_page_renders_for_org_staff(world, kind):
    response = client_for(world["org_a"]).get(rows_url(world["cadre"], kind))
    assert response.status_code == 200
    assert "添加一行" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("clerk_a", 403), ("leader_a", 403), ("org_b", 404), ("clerk_b", 404)])
def test_sub_record_pages_are_for_org_staff_only(world, persona, status):
    cadre = fresh(world["cadre"])
    client = client_for(world[persona])
    assert client.get(rows_url(cadre, "resume")).status_code == status
    rows = resume_rows(cadre)
    rows[1]["content"] = "篡改"
    response = client.post(rows_url(cadre, "resume"), rows_data("resume", rows, initial=2, version=cadre.version))
    assert response.status_code == status
    assert not ResumeEntry.objects.filter(content="篡改").exists()


# --- year-month parsing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985.03", datetime.date(1985, 3, 1)),
        ("1985.3", datetime.date(1985, 3, 1)),
        ("198503", datetime.date(1985, 3, 1)),
        ("1985-03", datetime.date(1985, 3, 1)),
        ("1985/03", datetime.date(1985, 3, 1)),
        ("1985年3月", datetime.date(1985, 3, 1)),
        ("１９８５．０３", datetime.date(1985, 3, 1)),
        (" 1985.03 ", datetime.date(1985, 3, 1)),
        ("1985.03.12", datetime.date(1985, 3, 12)),
        ("19850312", datetime.date(1985, 3, 12)),
        ("1985-03-12", datetime.date(1985, 3, 12)),
        ("1985年3月12日", datetime.date(1985, 3, 12)),
    ],
)
def test_year_month_shapes(text, expected):
    assert parse_year_month(text) == expected


@pytest.mark.parametrize("text", ["1985.13", "85.03", "1985", "1985.02.30", "03.1985", "1800.01", "abc"])
def test_year_month_rejects(text):
    with pytest.raises(ValueError):
        parse_year_month(text)
