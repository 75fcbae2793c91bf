"""Admin writes go through the services: scope-checked and attributed."""

from __future__ import annotations

import pytest

from accounts.models import Role
from personnel.models import FamilyMember
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_org_staff_bulk_delete_in_admin_goes_through_the_service(client):
    root = make_unit("甲县")
    unit = make_unit("甲县财政局", parent=root)
    officer = make_user("officer", Role.ORG_STAFF, jurisdiction=make_jurisdiction("甲县委组织部", root))
    cadre = make_cadre(unit)
    members = [FamilyMember.objects.create(cadre=cadre, name=name) for name in ("张父", "张母")]
    client.force_login(officer)
    response = client.post(
        "/admin/personnel/familymember/",
        {"action": "delete_selected", "_selected_action": [m.pk for m in members], "post": "yes"},
    )
    assert response.status_code == 302
    assert not FamilyMember.objects.exists()
    events = FamilyMember.pgh_event_model.objects.filter(pgh_label="delete")  # type: ignore[attr-defined]
    assert {e.pgh_context.metadata["user"] for e in events} == {officer.pk}
    cadre.refresh_from_db()
    assert cadre.version == 3  # each service delete bumps the record's version
