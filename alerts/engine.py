"""The batch check, set-based.

A run is prepared once (the policies in force are fixed on it, the related
pairs of cadres are rebuilt in ``alerts_kinship`` with three hash joins, and
the cadre ids are cut into chunks), then every chunk is checked by whichever
worker takes it:

* for each rule one SQL query reads the chunk's candidates as compact tuples
  (a loose date prefilter in SQL; the exact boundary is the pure rule's in
  ``alerts.rules``), and the rule turns each tuple into a finding;
* the findings are written with one upsert (unique on cadre, rule, cause:
  a rerun changes nothing that has not changed), the chunk's alerts whose
  cause is gone are closed with one update, the events of both are
  appended, and the chunk is marked done — all in one transaction, so a
  worker killed half-way leaves the chunk exactly as it was;
* the run is complete when its last chunk is done, detected by counting
  unfinished chunks under a lock on the run row.

No query here loops over cadres.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from alerts import rules
from alerts.models import CheckChunk, CheckRun, RunStatus
from alerts.policies import from_snapshot
from alerts.rules import Finding, Holder, PolicyInForce, PolicyKey, Rule
from personnel.models import CadreStatus, RetirementCategory
from personnel.policy import retirement_policy
from personnel.rules import RetirementPolicy, add_months

Policies = dict[PolicyKey, PolicyInForce]


@dataclass(frozen=True)
class Located:
    """A finding with the cadre it is about and the chunk anchor."""

    cadre_id: int
    anchor_id: int
    finding: Finding


def _rows(sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _years_before(on: datetime.date, years: int) -> datetime.date:
    # One day of slack: the pure rule decides the exact boundary (29 February).
    return rules.add_years(on, -years) + datetime.timedelta(days=1)


ACTIVE = CadreStatus.ACTIVE.value
_BASE = f"""
    SELECT c.id, pl.code, c.current_post_date, c.post_level_date, c.sex, c.birth_date
    FROM personnel_cadre c LEFT JOIN personnel_code pl ON pl.id = c.post_level_id
    WHERE c.id BETWEEN %s AND %s AND c.status = '{ACTIVE}'
"""  # noqa: S608 - a constant


# --- one function per rule: (first, last, on, policies) -> findings ------------------------


def check_rotation_deputy(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.ROTATION]
    p: rules.RotationPolicy = policy.value
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND c.current_post_date <= %s AND c.current_post_date > %s",
        [
            first,
            last,
            list(p.deputy_levels),
            _years_before(on, p.deputy_should_rotate_years),
            rules.add_years(on, -p.must_rotate_years) - datetime.timedelta(days=1),
        ],
    )
    found = []
    for cadre_id, level, post_date, _level_date, _sex, _birth in rows:
        finding = rules.rotation_deputy(post_level=level, post_date=post_date, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_rotation_post(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.ROTATION]
    p: rules.RotationPolicy = policy.value
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND c.current_post_date <= %s",
        [first, last, list(p.leadership_levels), _years_before(on, p.must_rotate_years)],
    )
    found = []
    for cadre_id, level, post_date, _level_date, _sex, _birth in rows:
        finding = rules.rotation_post(post_level=level, post_date=post_date, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_term_limit(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.ROTATION]
    p: rules.RotationPolicy = policy.value
    span = p.term_years * p.max_consecutive_terms
    # Terms end between now and the notice period from now (with slack).
    latest = rules.add_months_to_day(rules.add_years(on, -span), p.term_notice_months) + datetime.timedelta(days=2)
    earliest = rules.add_years(on, -span) - datetime.timedelta(days=2)
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND c.current_post_date BETWEEN %s AND %s",
        [first, last, list(p.leadership_levels), earliest, latest],
    )
    found = []
    for cadre_id, level, post_date, _level_date, _sex, _birth in rows:
        finding = rules.term_limit(post_level=level, post_date=post_date, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_level_tenure(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.ROTATION]
    p: rules.RotationPolicy = policy.value
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND c.post_level_date <= %s",
        [first, last, list(p.leadership_levels), _years_before(on, p.level_max_years)],
    )
    found = []
    for cadre_id, level, _post_date, level_date, _sex, _birth in rows:
        finding = rules.level_tenure(post_level=level, level_date=level_date, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_age_cutoff(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.AGE_CUTOFF]
    p: rules.AgeCutoffPolicy = policy.value
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND c.birth_date < %s",
        [first, last, list(p.post_levels), max(p.male_born_before, p.female_born_before)],
    )
    found = []
    for cadre_id, level, _post_date, _level_date, sex, birth in rows:
        finding = rules.age_cutoff(sex=sex, birth_date=birth, post_level=level, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


_CATEGORY_SQL = f"""coalesce(nullif(c.retirement_category, ''),
    CASE c.sex WHEN '1' THEN '{RetirementCategory.MALE.value}' ELSE '{RetirementCategory.FEMALE_CADRE.value}' END)"""
_BASE_OVERRIDE_SQL = "CASE WHEN al.code ~ '^[0-9]+$' THEN al.code::int END"


def check_retirement(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Cadre.retirement_month's logic (personnel.rules with personnel.policy's
    schedules and the per-person NLLB base), for the chunk at once: SQL keeps
    those old enough to retire within the window even with no delay."""
    policy = policies[PolicyKey.RETIREMENT]
    p: rules.RetirementAlertPolicy = policy.value
    bases = {category.value: retirement_policy(category.value).base_age_years for category in RetirementCategory}
    horizon = add_months(on.replace(day=1), p.within_months + 1)
    sql = f"""
        SELECT c.id, c.birth_date, {_CATEGORY_SQL} AS category, {_BASE_OVERRIDE_SQL} AS base
        FROM personnel_cadre c LEFT JOIN personnel_code al ON al.id = c.age_limit_id
        WHERE c.id BETWEEN %s AND %s AND c.status = '{ACTIVE}'
          AND c.birth_date < %s::date - make_interval(years => coalesce({_BASE_OVERRIDE_SQL},
                CASE {_CATEGORY_SQL} WHEN %s THEN %s WHEN %s THEN %s ELSE %s END))
    """  # noqa: S608 - constants only
    rows = _rows(
        sql,
        [
            first,
            last,
            horizon,
            RetirementCategory.MALE.value,
            bases[RetirementCategory.MALE.value],
            RetirementCategory.FEMALE_CADRE.value,
            bases[RetirementCategory.FEMALE_CADRE.value],
            bases[RetirementCategory.FEMALE_WORKER.value],
        ],
    )
    schedules: dict[tuple[str, int | None], RetirementPolicy] = {}
    found = []
    for cadre_id, birth, category, base in rows:
        key = (category, base)
        if key not in schedules:
            schedules[key] = retirement_policy(category, base_age_override=base)
        finding = rules.retirement(birth_date=birth, schedule=schedules[key], on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_kinship(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Pairs prepared for the run whose lower id is in the chunk; an alert on
    each of the two, anchored at the lower id."""
    policy = policies[PolicyKey.KINSHIP]
    sql = f"""
        SELECT k.low, k.high, k.relation_code, k.matched_by,
               a.name, a.unit_id, ua.name, ua.parent_id, pa.code, a.current_post,
               b.name, b.unit_id, ub.name, ub.parent_id, pb.code, b.current_post
        FROM alerts_kinship k
        JOIN personnel_cadre a ON a.id = k.low
        JOIN personnel_unit ua ON ua.id = a.unit_id
        LEFT JOIN personnel_code pa ON pa.id = a.post_level_id
        JOIN personnel_cadre b ON b.id = k.high
        JOIN personnel_unit ub ON ub.id = b.unit_id
        LEFT JOIN personnel_code pb ON pb.id = b.post_level_id
        WHERE k.low BETWEEN %s AND %s AND a.status = '{ACTIVE}' AND b.status = '{ACTIVE}'
    """  # noqa: S608 - a constant
    found = []
    for row in _rows(sql, [first, last]):
        low, high, relation, matched_by = row[:4]
        a = Holder(low, row[4], row[5], row[6], row[7], row[8], row[9])
        b = Holder(high, row[10], row[11], row[12], row[13], row[14], row[15])
        for me, other in ((a, b), (b, a)):
            finding = rules.kinship(me=me, other=other, relation_code=relation, matched_by=matched_by, policy=policy)
            if finding:
                found.append(Located(me.cadre_id, low, finding))
    return found


def check_home_county(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    """Listed posts (regular expressions, which PostgreSQL's ~ and Python's
    re read alike) held by someone whose 籍贯 is the region of the unit: the
    region code of the nearest unit up the tree that has one."""
    policy = policies[PolicyKey.HOME_COUNTY]
    p: rules.HomeCountyPolicy = policy.value
    sql = """
        SELECT c.id, c.native_place_code, pl.code, c.current_post,
               (SELECT r.region_code FROM personnel_unit r
                 WHERE u.path LIKE r.path || '%%' AND r.region_code <> ''
                 ORDER BY length(r.path) DESC LIMIT 1)
        FROM personnel_cadre c
        JOIN personnel_unit u ON u.id = c.unit_id
        JOIN personnel_code pl ON pl.id = c.post_level_id
        WHERE c.id BETWEEN %s AND %s AND c.status = %s AND c.native_place_code <> ''
          -- The level as ids first: the regular expressions then run on leaders only.
          AND c.post_level_id IN (SELECT id FROM personnel_code WHERE "table" = 'ZB09' AND code = ANY(%s))
          AND c.current_post ~ ANY(%s)
    """
    rows = _rows(sql, [first, last, ACTIVE, list(p.leadership_levels), list(p.post_patterns)])
    found = []
    for cadre_id, native, level, title, region in rows:
        finding = rules.home_county(
            native_place_code=native, unit_region_code=region or "", post_level=level, post_title=title, policy=policy
        )
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_influence(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.INFLUENCE]
    p: rules.InfluencePolicy = policy.value
    longest = max(p.months_for(kind) for kind in rules.InfluenceKind)
    sql = f"""
        SELECT r.id, r.cadre_id, r.kind, r.decided_on
        FROM alerts_influencerecord r JOIN personnel_cadre c ON c.id = r.cadre_id
        WHERE r.cadre_id BETWEEN %s AND %s AND c.status = '{ACTIVE}' AND r.decided_on <= %s AND r.decided_on > %s
    """  # noqa: S608 - a constant
    earliest = add_months(on.replace(day=1), -longest - 1)
    found = []
    for record_id, cadre_id, kind, decided_on in _rows(sql, [first, last, on, earliest]):
        finding = rules.influence(record_id=record_id, kind=kind, decided_on=decided_on, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


def check_probation(first: int, last: int, on: datetime.date, policies: Policies) -> list[Located]:
    policy = policies[PolicyKey.PROBATION]
    p: rules.ProbationPolicy = policy.value
    latest = rules.add_months_to_day(on + datetime.timedelta(days=p.notice_days + 2), -p.probation_months)
    rows = _rows(
        _BASE + " AND pl.code = ANY(%s) AND coalesce(c.post_level_date, c.current_post_date) <= %s",
        [first, last, list(p.levels), latest],
    )
    found = []
    for cadre_id, level, post_date, level_date, _sex, _birth in rows:
        start = level_date or post_date
        finding = rules.probation(post_level=level, start=start, on=on, policy=policy)
        if finding:
            found.append(Located(cadre_id, cadre_id, finding))
    return found


CHECKS: dict[Rule, Callable[[int, int, datetime.date, Policies], list[Located]]] = {
    Rule.ROTATION_DEPUTY: check_rotation_deputy,
    Rule.ROTATION_POST: check_rotation_post,
    Rule.TERM_LIMIT: check_term_limit,
    Rule.LEVEL_TENURE: check_level_tenure,
    Rule.AGE_CUTOFF: check_age_cutoff,
    Rule.RETIREMENT: check_retirement,
    Rule.KINSHIP: check_kinship,
    Rule.HOME_COUNTY: check_home_county,
    Rule.INFLUENCE: check_influence,
    Rule.PROBATION: check_probation,
}


# --- preparing a run --------------------------------------------------------------------


KINSHIP_SQL = """
    INSERT INTO alerts_kinship (low, high, relation_code, matched_by)
    SELECT DISTINCT ON (least(x, y), greatest(x, y)) least(x, y), greatest(x, y), relation, how
    FROM (
        SELECT r.cadre_id AS x, r.relative_id AS y, rc.code AS relation, 'relation' AS how, 0 AS priority
        FROM alerts_cadrerelation r JOIN personnel_code rc ON rc.id = r.relation_id
        UNION ALL
        SELECT f.cadre_id, y.id, rc.code, 'id_number', 1
        FROM personnel_familymember f
        JOIN personnel_cadre y ON y.id_number = f.id_number
        JOIN personnel_code rc ON rc.id = f.relation_id
        WHERE f.id_number <> '' AND NOT f.is_deceased AND y.id <> f.cadre_id
        UNION ALL
        SELECT f.cadre_id, y.id, rc.code, 'name_birth', 2
        FROM personnel_familymember f
        JOIN personnel_cadre y
          ON y.name = f.name AND date_trunc('month', y.birth_date) = date_trunc('month', f.birth_date)
        JOIN personnel_code rc ON rc.id = f.relation_id
        WHERE f.id_number = '' AND f.birth_date IS NOT NULL AND NOT f.is_deceased AND y.id <> f.cadre_id
          AND (rc.code = ANY(%s)) = (y.sex = '1')
    ) pairs
    ORDER BY least(x, y), greatest(x, y), priority
"""


def rebuild_kinship() -> int:
    """Related pairs of cadres, lower id first, one row per pair (a recorded
    relation wins over an ID-number match, which wins over a name match)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM alerts_kinship")
        cursor.execute(KINSHIP_SQL, [list(rules.MALE_RELATION_CODES)])
        return int(cursor.rowcount)


def chunk_bounds(chunk_size: int) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM personnel_cadre")
        low, high = cursor.fetchone() or (None, None)
    if low is None or high is None:
        return []
    low, high = int(low), int(high)
    return [(start, min(start + chunk_size - 1, high)) for start in range(low, high + 1, chunk_size)]


def prepare(run: CheckRun) -> list[int]:
    """Rebuild the pairs and cut the chunks of a run still preparing, in one
    transaction; the ids of the chunks left to do (all of them the first
    time; after a crash, the ones not done)."""
    with transaction.atomic():
        locked = CheckRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.PREPARING:
            started = time.perf_counter()
            rebuild_kinship()
            bounds = chunk_bounds(locked.chunk_size)
            CheckChunk.objects.bulk_create(
                [CheckChunk(run=locked, first_id=first, last_id=last) for first, last in bounds]
            )
            locked.chunk_total = len(bounds)
            locked.status = RunStatus.RUNNING
            locked.started_at = timezone.now()
            locked.prepare_seconds = round(time.perf_counter() - started, 3)
            locked.save(update_fields=["chunk_total", "status", "started_at", "prepare_seconds"])
            if not bounds:
                _complete(locked)
        return list(CheckChunk.objects.filter(run=locked, done=False).values_list("pk", flat=True))


# --- checking a chunk -------------------------------------------------------------------

_UPSERT = """
    WITH incoming AS (
        SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
                             %s::text[], %s::date[])
            AS t(cadre_id, rule, cause_key, anchor_id, severity, message, facts, due_date)
    ),
    previous AS (
        SELECT a.id, a.state FROM alerts_alert a
        JOIN incoming i ON i.cadre_id = a.cadre_id AND i.rule = a.rule AND i.cause_key = a.cause_key
    ),
    written AS (
        INSERT INTO alerts_alert AS a (cadre_id, rule, cause_key, anchor_id, severity, message, facts, due_date,
                                       state, note, created_at, updated_at)
        SELECT cadre_id, rule, cause_key, anchor_id, severity, message, facts::jsonb, due_date, 'open', '',
               now(), now()
        FROM incoming
        ON CONFLICT (cadre_id, rule, cause_key) DO UPDATE SET
            anchor_id = EXCLUDED.anchor_id, severity = EXCLUDED.severity, message = EXCLUDED.message,
            facts = EXCLUDED.facts, due_date = EXCLUDED.due_date, updated_at = now(),
            state = CASE WHEN a.state = 'closed' THEN 'open' ELSE a.state END,
            closed_at = CASE WHEN a.state = 'closed' THEN NULL ELSE a.closed_at END
        WHERE (a.anchor_id, a.severity, a.message, a.facts, a.due_date, a.state = 'closed')
              IS DISTINCT FROM (EXCLUDED.anchor_id, EXCLUDED.severity, EXCLUDED.message, EXCLUDED.facts,
                                EXCLUDED.due_date, false)
        RETURNING a.id, (xmax = 0) AS inserted
    )
    INSERT INTO alerts_alertevent (alert_id, kind, run_id, note, created_at)
    SELECT w.id, CASE WHEN w.inserted THEN 'opened' ELSE 'reopened' END, %s,
           CASE WHEN w.inserted THEN '' ELSE '复查时再次发现' END, now()
    FROM written w LEFT JOIN previous p ON p.id = w.id
    WHERE w.inserted OR p.state = 'closed'
    RETURNING kind
"""

_CLOSE = """
    WITH gone AS (
        UPDATE alerts_alert a SET state = 'closed', closed_at = now(), updated_at = now()
        WHERE a.rule = ANY(%s) AND a.anchor_id BETWEEN %s AND %s AND a.state IN ('open', 'acknowledged')
          AND NOT EXISTS (
              SELECT 1 FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS i(cadre_id, rule, cause_key)
              WHERE i.cadre_id = a.cadre_id AND i.rule = a.rule AND i.cause_key = a.cause_key)
        RETURNING a.id
    )
    INSERT INTO alerts_alertevent (alert_id, kind, run_id, note, created_at)
    SELECT id, 'closed', %s, %s, now() FROM gone
"""
CLOSE_NOTE = "复查时预警原因已消除（职务、任职时间、亲属或处分等情况已变化），系统自动关闭"


def write_findings(
    *, run_id: int | None, first: int, last: int, checked: Iterable[Rule], found: list[Located]
) -> tuple[int, int]:
    """Upsert the findings of rules ``checked`` for anchors first..last and
    close those rules' alerts there that were not found; (opened, closed)."""
    columns: list[list[Any]] = [[] for _ in range(8)]
    for item in found:
        f = item.finding
        values = (
            item.cadre_id,
            f.rule.value,
            f.cause_key,
            item.anchor_id,
            f.severity.value,
            f.message,
            json.dumps(f.facts, ensure_ascii=False, sort_keys=True),
            f.due_date,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    with connection.cursor() as cursor:
        opened = 0
        if found:
            cursor.execute(_UPSERT, [*columns, run_id])
            opened = sum(1 for (kind,) in cursor.fetchall() if kind == "opened")
        cursor.execute(
            _CLOSE,
            [[rule.value for rule in checked], first, last, columns[0], columns[1], columns[2], run_id, CLOSE_NOTE],
        )
        closed = cursor.rowcount
    return opened, closed


def check_range(first: int, last: int, on: datetime.date, policies: Policies) -> tuple[list[Located], dict[str, float]]:
    found: list[Located] = []
    seconds: dict[str, float] = {}
    for rule, check in CHECKS.items():
        started = time.perf_counter()
        found.extend(check(first, last, on, policies))
        seconds[rule.value] = time.perf_counter() - started
    return found, seconds


def process_chunk(chunk_id: int) -> bool:
    """Check one chunk and record it done, all in one transaction; a chunk
    already done (a redelivered task) is left alone. True when this chunk
    completed its run."""
    with transaction.atomic():
        chunk = CheckChunk.objects.select_for_update().select_related("run").filter(pk=chunk_id).first()
        if chunk is None or chunk.done or chunk.run.status != RunStatus.RUNNING:
            return False
        run = chunk.run
        policies = from_snapshot(run.policies)
        found, seconds = check_range(chunk.first_id, chunk.last_id, run.check_date, policies)
        started = time.perf_counter()
        opened, closed = write_findings(
            run_id=run.pk, first=chunk.first_id, last=chunk.last_id, checked=list(CHECKS), found=found
        )
        seconds["write"] = time.perf_counter() - started
        counts: dict[str, int] = defaultdict(int)
        for item in found:
            counts[item.finding.rule.value] += 1
        chunk.done = True
        chunk.finished_at = timezone.now()
        chunk.counts = dict(counts)
        chunk.seconds = {key: round(value, 4) for key, value in seconds.items()}
        chunk.opened, chunk.closed = opened, closed
        chunk.save(update_fields=["done", "finished_at", "counts", "seconds", "opened", "closed"])
        # Serialize the chunks' ends on the run row, so that exactly one of
        # them sees every chunk done and completes the run.
        locked = CheckRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.RUNNING and not CheckChunk.objects.filter(run=locked, done=False).exists():
            _complete(locked)
            return True
    return False


def _complete(run: CheckRun) -> None:
    counts: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    opened = closed = 0
    for chunk in CheckChunk.objects.filter(run=run).only("counts", "seconds", "opened", "closed"):
        for key, value in chunk.counts.items():
            counts[key] += value
        for key, value in chunk.seconds.items():
            seconds[key] += value
        opened += chunk.opened
        closed += chunk.closed
    run.counts = dict(counts)
    run.seconds = {key: round(value, 3) for key, value in seconds.items()}
    run.opened, run.closed = opened, closed
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.message = ""  # a chunk that failed before was retried and is done now
    run.save(update_fields=["counts", "seconds", "opened", "closed", "status", "finished_at", "message"])
