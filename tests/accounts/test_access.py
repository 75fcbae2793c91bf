"""The access layer and 三员分立, as the database and the selectors enforce them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from accounts.access import SYSTEM, scope_of
from accounts.models import Role, RoleAssignment
from personnel import services as personnel_services
from personnel.access import cadre_for_actor, cadres_visible_to, units_visible_to
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    root_a = make_unit("甲县")
    dept_a = make_unit("甲县教育局", parent=root_a)
    school_a = make_unit("甲县第一中学", parent=dept_a)
    root_b = make_unit("乙县")
    dept_b = make_unit("乙县教育局", parent=root_b)
    return {
        "root_a": root_a,
        "dept_a": dept_a,
        "school_a": school_a,
        "dept_b": dept_b,
        "jur_a": make_jurisdiction("甲县委组织部", root_a),
        "jur_b": make_jurisdiction("乙县委组织部", root_b),
        "cadre_dept_a": make_cadre(dept_a, name="甲局长"),
        "cadre_school_a": make_cadre(school_a, name="甲校长"),
        "cadre_b": make_cadre(dept_b, name="乙局长"),
    }


def test_org_staff_sees_their_whole_jurisdiction_only(county):
    officer = make_user("officer_a", Role.ORG_STAFF, jurisdiction=county["jur_a"])
    names = set(cadres_visible_to(officer).values_list("name", flat=True))
    assert names == {"甲局长", "甲校长"}
    assert set(units_visible_to(officer).values_list("name", flat=True)) == {"甲县", "甲县教育局", "甲县第一中学"}


def test_clerk_sees_their_unit_subtree_only(county):
    clerk = make_user("clerk_school", Role.UNIT_CLERK, unit=county["dept_a"])
    assert set(cadres_visible_to(clerk).values_list("name", flat=True)) == {"甲局长", "甲校长"}
    clerk_school = make_user("clerk_school2", Role.UNIT_CLERK, unit=county["school_a"])
    assert set(cadres_visible_to(clerk_school).values_list("name", flat=True)) == {"甲校长"}


def test_clerk_cannot_see_other_units_cadre(county):
    clerk = make_user("clerk_school", Role.UNIT_CLERK, unit=county["school_a"])
    with pytest.raises(Http404):
        cadre_for_actor(clerk, county["cadre_dept_a"].pk)


def test_out_of_scope_and_missing_cadres_are_both_not_found(county):
    officer_b = make_user("officer_b", Role.ORG_STAFF, jurisdiction=county["jur_b"])
    with pytest.raises(Http404) as forbidden:
        cadre_for_actor(officer_b, county["cadre_dept_a"].pk)
    with pytest.raises(Http404) as missing:
        cadre_for_actor(officer_b, 987654321)
    assert str(forbidden.value) == str(missing.value)
    with pytest.raises(Http404):
        cadre_for_actor(officer_b, "not-a-number")


def test_only_org_staff_may_write(county):
    officer = make_user("officer_a", Role.ORG_STAFF, jurisdiction=county["jur_a"])
    leader = make_user("leader_a", Role.LEADER, jurisdiction=county["jur_a"])
    clerk = make_user("clerk_a", Role.UNIT_CLERK, unit=county["dept_a"])
    assert cadre_for_actor(officer, county["cadre_school_a"].pk, write=True).name == "甲校长"
    assert cadre_for_actor(leader, county["cadre_school_a"].pk).name == "甲校长"
    for reader in (leader, clerk):
        with pytest.raises(Http404):
            cadre_for_actor(reader, county["cadre_school_a"].pk, write=True)


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_admin_roles_see_no_cadre_data(county, role):
    admin = make_user(f"admin_{role}", role)
    assert not cadres_visible_to(admin).exists()
    assert scope_of(admin).is_admin


def test_anonymous_sees_nothing(county):
    from django.contrib.auth.models import AnonymousUser

    assert not cadres_visible_to(AnonymousUser()).exists()


def test_database_refuses_two_admin_roles_on_one_account(county):
    user = make_user("sys", Role.SYSTEM_ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.AUDIT_ADMIN)


def test_database_refuses_admin_role_mixed_with_business_role(county):
    admin = make_user("sec", Role.SECURITY_ADMIN)
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        RoleAssignment.objects.create(user=admin, role=Role.ORG_STAFF, jurisdiction=county["jur_a"])
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=county["jur_a"])
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        RoleAssignment.objects.create(user=officer, role=Role.AUDIT_ADMIN)


def test_database_refuses_a_role_without_its_scope(county):
    user = make_user("nobody")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.UNIT_CLERK)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.SYSTEM_ADMIN, jurisdiction=county["jur_a"])


def test_business_roles_combine(county):
    user = make_user("both", Role.LEADER, jurisdiction=county["jur_b"])
    RoleAssignment.objects.create(user=user, role=Role.UNIT_CLERK, unit=county["school_a"])
    assert set(cadres_visible_to(user).values_list("name", flat=True)) == {"乙局长", "甲校长"}


def test_the_system_actor_reads_and_writes_every_unit(county):
    scope = scope_of(SYSTEM)
    assert scope.can_write_path(county["dept_b"].path) and scope.has_role(Role.SYSTEM_ADMIN)
    assert set(cadres_visible_to(SYSTEM, write=True).values_list("name", flat=True)) == {"甲局长", "甲校长", "乙局长"}
    assert units_visible_to(SYSTEM).count() == 5


def test_no_actor_is_an_error_not_a_skipped_check(county):
    with pytest.raises(TypeError):
        scope_of(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        personnel_services.cadre_update(actor=None, cadre=county["cadre_b"], data={"note": "x"})  # type: ignore[arg-type]
    county["cadre_b"].refresh_from_db()
    assert county["cadre_b"].note == ""


def test_only_the_system_creates_root_units(county):
    officer = make_user("officer_root", Role.ORG_STAFF, jurisdiction=county["jur_a"])
    with pytest.raises(PermissionDenied):
        personnel_services.unit_create(actor=officer, name="丙县", parent=None)
    assert personnel_services.unit_create(actor=SYSTEM, name="丙县", parent=None).path.startswith("/")
