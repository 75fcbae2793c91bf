"""Factories for tests: units with correct paths, cadres with valid ID
numbers, accounts with roles."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from factory.declarations import LazyAttribute, PostGenerationMethodCall, Sequence
from factory.django import DjangoModelFactory

from accounts.access import SYSTEM
from accounts.models import Jurisdiction, Role, RoleAssignment, User
from personnel import services
from personnel.models import Cadre, Unit
from personnel.rules import id_number_check_character

_serial = itertools.count(1)


def id_number_for(birth: datetime.date, sex: str, region: str = "330102") -> str:
    """A valid 18-digit number for the birth date and sex, unique per call."""
    seq = next(_serial)
    # Digits 15-16 vary with the serial, digit 17 carries the sex (odd = male).
    third = (seq // 100 % 5) * 2 + (1 if sex == "1" else 0)
    body = f"{region}{birth:%Y%m%d}{seq % 100:02d}{third}"
    return body + id_number_check_character(body)


def make_unit(name: str, parent: Unit | None = None, **fields: Any) -> Unit:
    return services.unit_create(actor=SYSTEM, name=name, parent=parent, **fields)


def make_cadre(unit: Unit, name: str = "张三", **fields: Any) -> Cadre:
    data: dict[str, Any] = {
        "name": name,
        "sex": "1",
        "birth_date": datetime.date(1980, 5, 1),
        "unit": unit,
    }
    data.update(fields)
    if "id_number" not in fields:
        data["id_number"] = id_number_for(data["birth_date"], data["sex"])
    return services.cadre_create(actor=SYSTEM, data=data)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    display_name = LazyAttribute(lambda o: o.username)
    password = PostGenerationMethodCall("set_password", "correct-horse-battery")


def make_user(username: str, role: Role | None = None, **scope: Any) -> User:
    user = UserFactory.create(username=username)
    user.save()
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def make_jurisdiction(name: str, *roots: Unit) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.create(name=name)
    jurisdiction.root_units.set(roots)
    return jurisdiction
