"""Time the demo-data generator (``personnel.demo``) at given sizes.

Usage::

    python -m bench.demo_data [SIZE ...] [--history off|on|both] [--seed N] [--keep]

Sizes default to 2000 and 100000. The database server is the one the
settings point at (DATABASE_URL); the script migrates a template database
once, then loads each size into a fresh copy of it (``CREATE DATABASE …
TEMPLATE``), in a child process of its own so that the peak RSS printed is
that size's alone. It prints wall time, rows written, rows per second, the
child's peak RSS and the database size after the load, then drops the
databases it made (``--keep`` keeps the last one, for a look around).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _setup(database: str | None = None) -> None:
    """Configure Django, pointed at ``database`` on the configured server."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")
    from django.conf import settings

    if database is not None:
        # Connections are created lazily from this dict, so changing it
        # before the first query is enough.
        settings.DATABASES["default"]["NAME"] = database
    import django

    django.setup()


def _admin_connection() -> Any:
    """An autocommit connection to the server's maintenance database."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params: dict[str, Any] = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


def _recreate(admin: Any, name: str, template: str | None = None) -> None:
    from psycopg import sql

    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    if template is None:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))


def _drop(admin: Any, name: str) -> None:
    from psycopg import sql

    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _child(args: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.demo_data", *args]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"child failed: {' '.join(args)}")
    last: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return last


# --- child process modes ---------------------------------------------------------------------------------------


def _migrate(database: str) -> None:
    _setup(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps({"ok": True}))


def _run(database: str, size: int, seed: int, history: bool) -> None:
    _setup(database)
    from django.db import connection

    from personnel.demo import demo_data_generate

    started = time.perf_counter()
    summary = demo_data_generate(size=size, seed=seed, keep_history=history)
    wall = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = cursor.fetchone()[0]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "size": size,
                "history": history,
                "wall": wall,
                "rows": summary.rows,
                "cadres": summary.cadres,
                "units": summary.units,
                "teams": summary.teams,
                "leaders": summary.leaders,
                "peak_rss_mb": peak_kb / 1024,
                "db_mb": db_bytes / 1024 / 1024,
            }
        )
    )


# --- the benchmark -----------------------------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 100_000])
    parser.add_argument("--history", choices=["off", "on", "both"], default="off")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the last run's database")
    parser.add_argument("--_migrate", dest="migrate_db", help=argparse.SUPPRESS)
    parser.add_argument("--_run", dest="run_db", help=argparse.SUPPRESS)
    parser.add_argument("--_history", dest="run_history", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.migrate_db:
        _migrate(args.migrate_db)
        return
    if args.run_db:
        _run(args.run_db, args.sizes[0], args.seed, args.run_history)
        return

    _setup()
    from django.conf import settings

    base = str(settings.DATABASES["default"]["NAME"])
    template, target = f"{base}_bench_template", f"{base}_bench_run"
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.history]
    with _admin_connection() as admin:
        _recreate(admin, template)
        started = time.perf_counter()
        _child(["--_migrate", template])
        print(f"migrated the template database {template} in {time.perf_counter() - started:.1f} s")
        print(f"{'cadres':>9} {'history':>7} {'wall s':>8} {'rows':>11} {'rows/s':>9} {'peak RSS MB':>12} {'DB MB':>8}")
        for size in args.sizes:
            for history in modes:
                _recreate(admin, target, template)
                child_args = [str(size), "--_run", target, "--seed", str(args.seed)]
                result = _child([*child_args, "--_history"] if history else child_args)
                print(
                    f"{result['cadres']:>9,} {'on' if history else 'off':>7} {result['wall']:>8.1f} "
                    f"{result['rows']:>11,} {result['rows'] / result['wall']:>9,.0f} "
                    f"{result['peak_rss_mb']:>12.0f} {result['db_mb']:>8.0f}"
                    f"   ({result['units']:,} units, {result['teams']:,} teams, {result['leaders']:,} leaders)",
                    flush=True,
                )
        if not args.keep:
            _drop(admin, target)
        _drop(admin, template)


if __name__ == "__main__":
    main(sys.argv[1:])
