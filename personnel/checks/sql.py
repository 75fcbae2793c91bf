"""What the registry's chunk checks share: a query runner and the compact
row every post-based rule reads (id, post level code, post date, level
date, sex, birth date) for the active cadres of a chunk of ids."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection

from personnel.models import CadreStatus
from personnel.rules import add_years

ACTIVE = CadreStatus.ACTIVE.value
BASE = f"""
    SELECT c.id, pl.code, c.current_post_date, c.post_level_date, c.sex, c.birth_date
    FROM personnel_cadre c LEFT JOIN personnel_code pl ON pl.id = c.post_level_id
    WHERE c.id BETWEEN %s AND %s AND c.status = '{ACTIVE}'
"""  # noqa: S608 - a constant


def rows(sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def years_before(on: datetime.date, years: int) -> datetime.date:
    # One day of slack: the pure rule decides the exact boundary (29 February).
    return add_years(on, -years) + datetime.timedelta(days=1)
