"""Time a full alert check run on real Celery workers.

Usage::

    python -m bench.alert_checks [--workers 2] [--chunk-size 20000] [--runs 2] [--generate N]

Runs against the database the settings point at (DATABASE_URL, migrated,
with generated cadres: ``manage.py demo_data --size 1000000 --reset``, then
``manage.py oversight_demo`` for the influence records); ``--generate N``
does both first. The broker is the configured one (REDIS_URL, else the
filesystem transport).

It starts ``--workers`` worker processes (``celery worker --pool solo``, one
process each, like two machines' worth of workers on this 2-core box),
starts a run through ``alerts.services.run_start`` exactly as the button
does, and waits for the run to complete. Printed per run: the wall time
from the start until the run is done (preparation, every chunk, the
completion), the preparation (related pairs matched in SQL, chunks cut),
the chunks, and per rule the alerts found and the time spent in its query
and pure rule, summed over the chunks (so the per-rule times add up to more
than the wall time when two workers run at once), and the time writing
alerts. The first run writes every alert; later runs find them unchanged
(the nightly case).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.access import SYSTEM  # noqa: E402
from alerts import services  # noqa: E402
from alerts.models import CheckRun, RunStatus  # noqa: E402
from core.checks import registered_checks  # noqa: E402


def start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.setdefault("DB_CONN_MAX_AGE", "0")
    for folder in ("queue", "processed", "control"):
        (Path(settings.CELERY_QUEUE_DIR) / folder).mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cadre",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"bench{n}@%h",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(count)
    ]


def one_run(chunk_size: int) -> None:
    CheckRun.objects.filter(status__in=[RunStatus.PREPARING, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, message="abandoned by bench/alert_checks.py"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM personnel_cadre")
        (cadres,) = cursor.fetchone() or (0,)
    started = time.perf_counter()
    run = services.run_start(actor=SYSTEM, trigger="manual", chunk_size=chunk_size)
    while True:
        run.refresh_from_db()
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            break
        time.sleep(0.1)
    wall = time.perf_counter() - started
    print(f"run #{run.pk}: {cadres:,} cadres, {run.chunk_total} chunks of {chunk_size:,} ids, status {run.status}")
    print(f"  total (start → done, wall clock): {wall:7.2f} s")
    print(f"  prepare (related pairs, chunks):  {run.prepare_seconds:7.2f} s")
    for check in registered_checks():
        rule, label = str(check.rule), check.label
        seconds = run.seconds.get(rule, 0.0)
        print(f"  {rule:16} {label:16} {run.counts.get(rule, 0):8,} alerts {seconds:7.2f} s")
    print(f"  write alerts (upsert, close, events):   {run.seconds.get('write', 0.0):7.2f} s")
    print(f"  opened {run.opened:,}, closed {run.closed:,}, alerts {sum(run.counts.values()):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=services.DEFAULT_CHUNK_SIZE)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--generate", type=int, default=0, help="first generate N demo cadres (replaces demo data)")
    args = parser.parse_args()
    if args.generate:
        call_command("demo_data", size=args.generate, reset=True)
        call_command("oversight_demo")
    workers = start_workers(args.workers)
    try:
        time.sleep(3)  # let the workers connect
        for _ in range(args.runs):
            one_run(args.chunk_size)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


if __name__ == "__main__":
    main()
