from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role, User
from personnel.models import Unit
from tests.factories import make_jurisdiction, make_unit, make_user


@pytest.fixture
def county(db: Any) -> dict[str, Any]:
    """A county with two bureaus, their clerks and the county's org staff,
    and a second county nobody here may touch."""
    root = make_unit("清河县")
    finance = make_unit("县财政局", parent=root)
    office = make_unit("办公室", parent=finance)
    tax = make_unit("县税务局", parent=root)
    make_unit("办公室", parent=tax)
    other_root = make_unit("白水县")
    other = make_unit("白水县财政局", parent=other_root)
    staff: User = make_user("staff", Role.ORG_STAFF, jurisdiction=make_jurisdiction("清河县委组织部", root))
    clerk: User = make_user("clerk", Role.UNIT_CLERK, unit=finance)
    other_clerk: User = make_user("other_clerk", Role.UNIT_CLERK, unit=tax)
    leader: User = make_user("leader", Role.LEADER, jurisdiction=make_jurisdiction("县领导", root))
    return {
        "root": root,
        "finance": finance,
        "office": office,
        "tax": tax,
        "other": other,
        "staff": staff,
        "clerk": clerk,
        "other_clerk": other_clerk,
        "leader": leader,
    }


def unit_named(name: str) -> Unit:
    return Unit.objects.get(name=name)
