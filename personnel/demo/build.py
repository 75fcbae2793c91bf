"""Writing the demo county (PostgreSQL COPY per batch) and the entry points
``demo_data_generate`` and ``demo_data_reset`` (see ``personnel.demo``)."""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections.abc import Callable, Sequence

import pgtrigger
from django.db import IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from psycopg import sql

from accounts.access import SYSTEM
from core.history import history_context
from personnel.demo.generator import _Generator
from personnel.demo.people import _COLUMNS, Row, _Batch, _check_columns
from personnel.demo.plan import DemoSummary, _Codes, _Plan, _Planner, _Post, _UnitSpec
from personnel.demo.reference import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    DEMO_MARK,
    DEMO_MODELS,
    MAX_SIZE,
    MIN_SIZE,
    DemoDataError,
)
from personnel.models import (
    Appraisal,
    Cadre,
    CodeTable,
    Education,
    FamilyMember,
    LeadershipQuota,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
    Unit,
    UnitKind,
)

# --- writing ---------------------------------------------------------------------------------------------


class _Writer:
    """COPY into the tables on the connection of the current transaction."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection

    def copy(self, model: type[models.Model], rows: Sequence[Row]) -> None:
        if not rows:
            return
        columns = _COLUMNS[model]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        # A statement through Django first, so that the transaction-local
        # settings its execute wrappers inject (pgtrigger.ignore, the
        # pghistory context) are in force for the raw COPY below.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @staticmethod
    def next_ids(model: type[models.Model], count: int) -> list[int]:
        """``count`` fresh primary keys from the table's sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())


# --- entry points ----------------------------------------------------------------------------------------


def demo_roots() -> QuerySet[Unit]:
    """The root units of generated demo data."""
    return Unit.objects.filter(parent__isnull=True, kind=UnitKind.REGION, short_name__endswith=DEMO_MARK)


def demo_data_reset(*, keep_root: Unit | None = None) -> int:
    """Delete the generated demo trees: units, quotas, cadres and their
    sub-records (everything but ``keep_root`` itself, so that references to
    it, such as a jurisdiction, stay valid). Raw SQL,
    because the ORM's cascade would load a million cadres into memory. Rows
    of other apps that still point at demo units or cadres make this fail
    (DemoDataError) rather than dangle. Returns the number of cadres deleted."""
    deleted = 0
    units = "SELECT id FROM personnel_unit WHERE path LIKE %s"
    cadres = f"SELECT id FROM personnel_cadre WHERE unit_id IN ({units})"  # noqa: S608 - constant SQL
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Immediate: with deferred foreign keys every deleted row queues
            # its checks until commit, and each history trigger that aborts a
            # subtransaction (an unset setting caught in PL/pgSQL) rescans
            # that queue: quadratic, minutes for 100,000 cadres, not seconds.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for root in demo_roots():
                pattern = root.path + "%"
                for model in (Education, ResumeEntry, PostHeld, FamilyMember, RewardPunishment, Appraisal, Photo):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"DELETE FROM {table} WHERE cadre_id IN ({cadres})", [pattern])  # noqa: S608
                cursor.execute(f"DELETE FROM personnel_cadre WHERE id IN ({cadres})", [pattern])  # noqa: S608
                deleted += cursor.rowcount
                cursor.execute(f"DELETE FROM personnel_leadershipquota WHERE unit_id IN ({units})", [pattern])  # noqa: S608
                keep = keep_root.pk if keep_root is not None else 0
                cursor.execute("DELETE FROM personnel_unit WHERE path LIKE %s AND id <> %s", [pattern, keep])
    except IntegrityError as exc:
        raise DemoDataError(f"演示数据仍被其他记录引用（如账号的所在单位或业务记录），无法删除：{exc}") from exc
    return deleted


def demo_data_generate(
    *,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    as_of: datetime.date | None = None,
    reset: bool = False,
    keep_history: bool = False,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Generate a synthetic county (or city, or province) of ``size`` cadres.

    Deterministic for (seed, size, as_of): ``as_of`` (the reference date of
    ages and tenures) defaults to 1 January of the current year, so a seed
    gives the same data all year. One transaction: all of it or none. With
    ``reset`` the existing demo tree is replaced, keeping its root unit (same
    id and path) so that jurisdictions granted on it still apply.

    History: the registry's pghistory triggers would write one insert event
    per row. For synthetic bulk data those events record nothing anyone did,
    and at 100,000 cadres they cost 1.35–1.6× the time and 2.2× the disk
    (284 → 627 MB, bench/demo_data.py); so by default the insert and delete
    triggers are skipped with ``pgtrigger.ignore`` for this transaction only,
    and every later change to the demo records is tracked as usual.
    ``keep_history=True`` writes them, attributed to ``source=demo_data``.
    (Disabling the triggers outright with ALTER TABLE would save another
    ~25 % but lock the registry tables against every reader for the whole
    load.)
    """
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise DemoDataError(f"规模应在 {MIN_SIZE} 到 {MAX_SIZE:,} 名干部之间")
    if batch_size < 1:
        raise DemoDataError("批量大小应为正整数")
    _check_columns()
    started = time.perf_counter()
    as_of = as_of or datetime.date(timezone.localdate().year, 1, 1)
    summary = DemoSummary(seed=seed, size=size, as_of=as_of, history_kept=keep_history)
    tracked: tuple[type[models.Model], ...] = (*DEMO_MODELS, Photo)
    uris = [f"personnel.{m._meta.object_name}:{op}" for m in tracked for op in ("insert_insert", "delete_delete")]
    with transaction.atomic(), history_context(actor=SYSTEM, source="demo_data"):
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred: checking millions of them
            # at commit would queue every check in memory first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if keep_history:
                # Every history trigger first reads this setting inside a
                # PL/pgSQL EXCEPTION block; left unset, each row raises and
                # rolls back a subtransaction (measured: 95 s → 61 s at 100,000).
                cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        with pgtrigger.ignore(*uris) if not keep_history else contextlib.nullcontext():
            existing = list(demo_roots().order_by("pk"))
            if existing and not reset:
                names = "、".join(root.name for root in existing)
                raise DemoDataError(f"已存在演示数据（{names}），如需重新生成请加 --reset")
            if existing:
                demo_data_reset(keep_root=existing[0])
            _generate(
                summary, seed=seed, batch_size=batch_size, progress=progress, root=existing[0] if existing else None
            )
        with connection.cursor() as cursor:
            for model in DEMO_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    summary.seconds = time.perf_counter() - started
    return summary


def _generate(
    summary: DemoSummary,
    *,
    seed: int,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    root: Unit | None,
) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    codes = _Codes()
    plan = _Planner(rng, codes).plan(summary.size)
    writer = _Writer()
    now = timezone.now()
    leaders = _fill_positions(plan, rng, summary.size)
    _distribute_staff(plan.units, summary.size - leaders)
    _write_units(plan, writer, now, root)
    quotas: list[Row] = []
    for unit in plan.units:
        counts: dict[str, int] = {}
        for post in unit.posts:
            counts[post.level] = counts.get(post.level, 0) + 1
        year = rng.randint(2019, 2023)
        for level, count in counts.items():
            # The 三定方案 document the quota comes from.
            note = f"{unit.area.abbr}编〔{year}〕{rng.randint(1, 60)}号"
            quotas.append((unit.id, codes.id(CodeTable.POST_LEVEL, level), count, note))
            summary.quota_posts += count
    writer.copy(LeadershipQuota, quotas)
    summary.root = plan.root.name
    summary.units = len(plan.units)
    summary.teams = sum(1 for u in plan.units if u.posts)
    summary.quota_rows = len(quotas)
    summary.leaders = leaders

    generator = _Generator(rng=rng, codes=codes, plan=plan, as_of=summary.as_of, now=now, seed=seed)
    batch = _Batch()
    pending: list[int] = []
    done = 0

    def flush() -> None:
        nonlocal batch
        for model, rows in batch.tables():
            writer.copy(model, rows)
        summary.cadres += len(batch.cadres)
        summary.educations += len(batch.educations)
        summary.resume_entries += len(batch.resume)
        summary.posts += len(batch.posts)
        summary.family_members += len(batch.family)
        summary.rewards += len(batch.rewards)
        summary.appraisals += len(batch.appraisals)
        batch = _Batch()
        if progress is not None:
            progress(done, summary.size)

    for unit in plan.units:
        people: list[_Post | None] = [*(p for p in unit.posts if p.filled), *([None] * unit.staff)]
        for person in people:
            if not pending:
                # Ids for the next batch, handed out in ascending order.
                pending = writer.next_ids(Cadre, min(batch_size, summary.size - done))[::-1]
            generator.cadre(pending.pop(), unit, person, batch)
            done += 1
            if len(batch.cadres) >= batch_size:
                flush()
    if batch.cadres:
        flush()


def _fill_positions(plan: _Plan, rng: random.Random, size: int) -> int:
    """Decide which posts are filled: some units are fully staffed, the
    others have vacancies; a small run keeps at least half of its cadres for
    ordinary staff. Returns the number of leaders."""
    for unit in plan.units:
        full = rng.random() < 0.45
        for post in unit.posts:
            if not full:
                post.filled = rng.random() >= (0.04 if post.principal else 0.12)
    filled = [p for u in plan.units for p in u.posts if p.filled]
    excess = len(filled) - size // 2
    if excess > 0:
        # Deputies go first, from the end of the plan (the least central units).
        ordered = [p for p in filled if not p.principal][::-1] + [p for p in filled if p.principal][::-1]
        for post in ordered[:excess]:
            post.filled = False
    return sum(1 for u in plan.units for p in u.posts if p.filled)


def _write_units(plan: _Plan, writer: _Writer, now: datetime.datetime, root: Unit | None) -> None:
    """Write the units with ids drawn first, so the materialized paths
    (root ``/<id>/``, child ``parent.path + <id>/``) go in with them. An
    existing demo root is reused in place."""
    new_units = plan.units[1:] if root is not None else plan.units
    if root is not None:
        plan.root.id = root.pk
    for unit, unit_id in zip(new_units, writer.next_ids(Unit, len(new_units)), strict=True):
        unit.id = unit_id
    for unit in plan.units:
        unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.id}/"
    if root is not None:
        top = plan.root
        Unit.objects.filter(pk=root.pk).update(
            name=top.name,
            short_name=top.short_name,
            kind=top.kind,
            level=top.level,
            region_code=top.area.code,
            path=top.path,
            is_active=True,
            updated_at=now,
        )
    rows = [
        (
            u.id,
            u.name,
            u.short_name,
            u.parent.id if u.parent else None,
            u.path,
            u.kind,
            u.level,
            u.area.code if u.group == "region" else "",
            u.sort_order,
            True,
            now,
            now,
        )
        for u in new_units
    ]
    writer.copy(Unit, rows)


def _distribute_staff(units: list[_UnitSpec], staff: int) -> None:
    """Share ``staff`` ordinary cadres among the units by weight (largest
    remainder, so the total is exact)."""
    weighted = [u for u in units if u.weight > 0]
    total = sum(u.weight for u in weighted)
    if staff <= 0 or not weighted:
        return
    shares = [(u, staff * u.weight / total) for u in weighted]
    for unit, share in shares:
        unit.staff = int(share)
    left = staff - sum(u.staff for u in weighted)
    remainders = sorted(range(len(shares)), key=lambda i: shares[i][1] - int(shares[i][1]), reverse=True)
    for index in remainders[:left]:
        shares[index][0].staff += 1
