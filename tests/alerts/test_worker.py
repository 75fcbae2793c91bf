"""The checks on real Celery workers through the configured broker (Redis
when REDIS_URL is set, else the filesystem transport): a whole run end to
end, and a worker killed with SIGKILL in the middle of a run, after which
resuming the run completes it with no alert twice and none missing."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from accounts.access import SYSTEM
from alerts import engine, services
from alerts import tasks as alert_tasks
from alerts.models import Alert, AlertEvent, CheckChunk, CheckRun, EventKind, RunStatus
from cadre.celery import app
from cadre.env import database_url
from personnel.models import Code, CodeTable
from personnel.policy_store import policies_in_force
from tests.factories import make_cadre, make_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
D = datetime.date
ON = D(2025, 9, 1)
ROOT = Path(__file__).resolve().parents[2]

assert alert_tasks.check_chunk.name == "alerts.check_chunk"  # registered with the app


@pytest.fixture(autouse=True)
def _code_tables_and_queues() -> None:
    # A transactional test empties every table when it ends, the code
    # tables too; put them back (as the browser tests do).
    from personnel.codes import load_codes

    load_codes()
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


def _county(leaders: int) -> None:
    """Leaders long in post (must rotate), deputies at 8 years, and staff."""
    root = make_unit("测试县", region_code="130534")
    unit = make_unit("测试县财政局", parent=root)
    principal = Code.objects.get(table=CodeTable.POST_LEVEL, code="1A41")
    deputy = Code.objects.get(table=CodeTable.POST_LEVEL, code="1A42")
    for index in range(leaders):
        make_cadre(
            unit,
            name=f"久任{index}",
            birth_date=D(1975, 1, 1) + datetime.timedelta(days=index),
            current_post="局长",
            current_post_date=D(2012, 1, 1),
            post_level=principal if index % 2 else deputy,
            post_level_date=D(2008, 1, 1),
        )


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _expected_keys() -> set[tuple[int, str, str]]:
    """What a complete check finds, computed in this process without the
    workers: every cadre as one range."""
    found, _seconds = engine.check_range(0, 10**12, ON, policies_in_force(ON))
    return {(item.cadre_id, str(item.finding.rule), item.finding.cause_key) for item in found}


def test_a_check_runs_end_to_end_on_a_real_worker() -> None:
    _county(leaders=12)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        run = services.run_start(actor=SYSTEM, check_date=ON, chunk_size=5)  # enqueued on commit
        _wait_for(lambda: CheckRun.objects.get(pk=run.pk).status == RunStatus.DONE, 60, "the run to finish")
    run.refresh_from_db()
    assert run.chunk_total == CheckChunk.objects.filter(run=run, done=True).count() >= 3
    keys = set(Alert.objects.values_list("cadre_id", "rule", "cause_key"))
    assert keys == _expected_keys() and len(keys) == 24  # each: must rotate, and 15 years at one level
    assert sum(run.counts.values()) == len(keys) == run.opened


def _worker_env() -> dict[str, str]:
    url = database_url(connection.settings_dict)
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "SECRET_KEY": settings.SECRET_KEY, "DEBUG": "0", "DB_CONN_MAX_AGE": "0"})
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


def _start_worker(*extra: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cadre",
        "worker",
        "--loglevel",
        "WARNING",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        *extra,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=_worker_env())  # noqa: S603 - our own worker


def test_a_worker_killed_mid_run_leaves_no_half_state_and_a_rerun_completes_it() -> None:
    _county(leaders=120)
    expected = _expected_keys()
    worker = _start_worker("--pool", "solo")
    try:
        run = services.run_start(actor=SYSTEM, check_date=ON, chunk_size=1)
        _wait_for(
            lambda: CheckChunk.objects.filter(run_id=run.pk, done=True).count() >= 5, 90, "a few chunks to be done"
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    run.refresh_from_db()
    done = list(CheckChunk.objects.filter(run=run, done=True).values_list("first_id", "last_id"))
    assert run.status == RunStatus.RUNNING and 5 <= len(done) < run.chunk_total, "the kill came too late to test"
    # No half-state: alerts exist only for the chunks recorded done.
    anchors = set(Alert.objects.values_list("anchor_id", flat=True))
    assert all(any(first <= anchor <= last for first, last in done) for anchor in anchors)

    # The rerun: resume the unfinished run on two new worker processes.
    workers = [_start_worker("--pool", "solo", "--hostname", f"resume{n}@%h") for n in range(2)]
    try:
        assert services.run_resume(run=run)  # enqueued now (no transaction open)
        _wait_for(lambda: CheckRun.objects.get(pk=run.pk).status == RunStatus.DONE, 120, "the resumed run")
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    run.refresh_from_db()
    keys = list(Alert.objects.values_list("cadre_id", "rule", "cause_key"))
    assert len(keys) == len(set(keys)) and set(keys) == expected
    assert AlertEvent.objects.filter(kind=EventKind.OPENED).count() == len(expected) == run.opened
    assert CheckChunk.objects.filter(run=run, done=True).count() == run.chunk_total
