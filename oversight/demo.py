"""Demo records for the alert checks, derived from the demo registry
(``manage.py oversight_demo`` after ``demo_data``): the sanctions the
generator wrote into 奖惩 become influence records, and a deterministic few
cadres graded 基本称职 last year are given a recent 诫勉, so the influence
rule has something to find. Set-based and idempotent."""

from __future__ import annotations

import datetime

from django.db import connection, transaction

from oversight.rules import InfluenceKind

# The sanction titles personnel.demo writes, and what they are.
PUNISHMENT_KINDS = {
    "党内警告处分": InfluenceKind.PARTY_WARNING,
    "党内严重警告处分": InfluenceKind.PARTY_SERIOUS_WARNING,
    "政务警告处分": InfluenceKind.GOV_WARNING,
    "政务记过处分": InfluenceKind.GOV_DEMERIT,
    "政务记大过处分": InfluenceKind.GOV_MAJOR_DEMERIT,
}


@transaction.atomic
def seed_influence_records(*, as_of: datetime.date) -> int:
    """Influence records from the registry's sanctions, plus 诫勉 within the
    last five months of ``as_of`` for one in three cadres graded 基本称职 in
    the year before ``as_of``. Returns the number of rows added."""
    titles = list(PUNISHMENT_KINDS)
    kinds = [kind.value for kind in PUNISHMENT_KINDS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO oversight_influencerecord (cadre_id, kind, decided_on, authority, document_no, reason)
            SELECT r.cadre_id, m.kind, r.date, left(r.issuer, 100), '', left(r.description, 300)
            FROM personnel_rewardpunishment r
            JOIN unnest(%s::text[], %s::text[]) AS m(title, kind) ON m.title = r.title
            WHERE r.kind = 'punishment' AND r.date IS NOT NULL
            ON CONFLICT DO NOTHING
            """,
            [titles, kinds],
        )
        added = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO oversight_influencerecord (cadre_id, kind, decided_on, authority, document_no, reason)
            SELECT a.cadre_id, %s, %s::date - (a.cadre_id * 37 %% 150)::int, '县委组织部', '',
                   '年度考核基本称职，组织诫勉谈话'
            FROM personnel_appraisal a
            WHERE a.year = %s AND a.grade = 'basic' AND a.cadre_id %% 3 = 0
              AND NOT EXISTS (SELECT 1 FROM oversight_influencerecord x WHERE x.cadre_id = a.cadre_id AND x.kind = %s)
            ON CONFLICT DO NOTHING
            """,
            [InfluenceKind.ADMONISHMENT.value, as_of, as_of.year - 1, InfluenceKind.ADMONISHMENT.value],
        )
        added += cursor.rowcount
    return int(added)
