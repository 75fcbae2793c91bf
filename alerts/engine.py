"""The batch check, set-based, over every check the apps have registered
(``core.checks``): the engine knows no rule by name.

A run is prepared once (the policies in force are fixed on it, every
check's preparation runs — e.g. the related pairs of cadres are rebuilt —
and the cadre ids are cut into chunks), then every chunk is checked by
whichever worker takes it:

* each registered check reads the chunk's candidates with one SQL query as
  compact tuples (a loose prefilter in SQL; the exact boundary is its pure
  rule's), and turns each tuple into a finding;
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
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from alerts.models import CheckChunk, CheckRun, RunStatus
from core.checks import Located, Policies, registered_checks
from personnel.policy_store import from_snapshot

# --- preparing a run --------------------------------------------------------------------


def prepare_checks() -> None:
    """The once-per-run preparation of every check that has one."""
    for check in registered_checks():
        if check.prepare is not None:
            check.prepare()


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
            prepare_checks()
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
    *, run_id: int | None, first: int, last: int, checked: Iterable[str], found: list[Located]
) -> tuple[int, int]:
    """Upsert the findings of rules ``checked`` for anchors first..last and
    close those rules' alerts there that were not found; (opened, closed)."""
    columns: list[list[Any]] = [[] for _ in range(8)]
    for item in found:
        f = item.finding
        values = (
            item.cadre_id,
            str(f.rule),
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
            [[str(rule) for rule in checked], first, last, columns[0], columns[1], columns[2], run_id, CLOSE_NOTE],
        )
        closed = cursor.rowcount
    return opened, closed


def check_range(first: int, last: int, on: datetime.date, policies: Policies) -> tuple[list[Located], dict[str, float]]:
    found: list[Located] = []
    seconds: dict[str, float] = {}
    for check in registered_checks():
        started = time.perf_counter()
        found.extend(check.run(first, last, on, policies))
        seconds[str(check.rule)] = time.perf_counter() - started
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
        checked = [check.rule for check in registered_checks()]
        opened, closed = write_findings(
            run_id=run.pk, first=chunk.first_id, last=chunk.last_id, checked=checked, found=found
        )
        seconds["write"] = time.perf_counter() - started
        counts: dict[str, int] = defaultdict(int)
        for item in found:
            counts[str(item.finding.rule)] += 1
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
