"""Time the cadre list page (干部名册) on generated data.

Usage::

    python -m bench.list_page [--generate N] [--runs 21] [--explain]

Runs against the database the settings point at (DATABASE_URL), which must
already be migrated; ``--generate N`` first replaces the demo data with N
generated cadres (``manage.py demo_data --reset --size N``) and runs
``VACUUM ANALYZE`` on the registry tables, as autovacuum would after a load.

Each case is one GET of ``/cadres/`` through Django's test client, the whole
server path (middleware, session, scope, filter, count, page query,
template) minus the HTTP socket, as an org-staff officer whose jurisdiction
covers every root unit. Printed per case: the median, minimum and 90th
percentile of ``--runs`` runs after three warm-up runs, the number of SQL
queries, the rows on the page and the count shown; with ``--explain`` the
EXPLAIN (ANALYZE, BUFFERS) plans of the case's count and page queries and
of its slowest other query.

The cases, as the issue sets them:

* filtered: a county's subtree + age 35–50 (at today) + 本科及以上 education;
* search:   the pinyin initials "zs" over the whole scope;

and, for information, the first page with no filter and the age and
education filter over the whole scope.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCALING_QUERIES = ('SELECT COUNT(*) FROM (SELECT "personnel_cadre"', 'SELECT "personnel_cadre"."id" AS "pk" FROM')
BENCH_USER = "bench_list_org_staff"


def _setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")
    import django
    from django.conf import settings

    # collectstatic's manifest is a deployment step; without it the
    # manifest storage refuses to name files. Looking a name up in the
    # manifest costs the same as this plain storage's join.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client's host name. (No setup_test_environment: its template
    # instrumentation would add to the times measured.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    django.setup()


def _generate(size: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("demo_data", size=size, reset=True, verbosity=1)
    print(f"generated {size:,} cadres in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        for table in ("personnel_unit", "personnel_cadre", "personnel_education", "personnel_code"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _bench_user() -> Any:
    """An org-staff account whose jurisdiction covers every root unit."""
    from accounts.models import Jurisdiction, Role, RoleAssignment, User
    from personnel.models import Unit

    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"display_name": "基准测试"})
    jurisdiction, _ = Jurisdiction.objects.get_or_create(name="基准测试（全部单位）")
    jurisdiction.root_units.set(Unit.objects.filter(parent__isnull=True))
    RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_STAFF, jurisdiction=jurisdiction)
    return user


def _county(user: Any) -> tuple[int, str, int]:
    """The unit whose subtree is the largest one holding at most 10,000
    cadres: a county at the generator's scale (about 8,000)."""
    from personnel.unit_selectors import unit_tree_for

    tree = unit_tree_for(actor=user)
    best = max(
        (row.node for row in tree.rows if row.node.total_cadres <= 10_000),
        key=lambda node: node.total_cadres,
    )
    # unit_tree_for cuts the tree for display; a cut tree is still deep
    # enough to reach the county level at the generator's sizes.
    return best.pk, best.name, best.total_cadres


def _time_case(client: Any, params: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get("/cadres/", params)
        if response.status_code != 200:
            raise SystemExit(f"/cadres/ answered {response.status_code} for {params}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/cadres/", params)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cadres/", params)
    body = response.content.decode()
    total = re.search(r'data-figure="total">([^<]+)<', body)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "min": timings[0],
        "p90": timings[int(len(timings) * 0.9) - 1] if len(timings) >= 10 else timings[-1],
        "queries": list(queries.captured_queries),
        "rows": body.count('class="name-col"'),
        "total": total.group(1) if total else "?",
    }


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generate", type=int, metavar="N", help="replace the demo data with N cadres first")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--explain", action="store_true", help="print the plans of each case's count and page queries")
    args = parser.parse_args(argv)

    _setup()
    from django.conf import settings
    from django.test import Client

    from personnel.models import Cadre

    if settings.DEBUG:
        print("warning: DEBUG is on; timings include Django's query log", file=sys.stderr)
    if args.generate:
        _generate(args.generate)
    user = _bench_user()
    client = Client()
    client.force_login(user)
    cadres = Cadre.objects.count()
    unit_id, unit_name, unit_cadres = _county(user)
    print(f"cadres in the database: {cadres:,}; county for the filtered case: {unit_name} ({unit_cadres:,} cadres)")

    cases: dict[str, dict[str, Any]] = {
        "filtered (county + age 35-50 + 本科及以上)": {
            "unit": unit_id,
            "age_min": 35,
            "age_max": 50,
            "education": ["1", "2"],
        },
        "search zs": {"q": "zs"},
        "first page, no filter": {},
        "whole scope + age 35-50 + 本科及以上": {"age_min": 35, "age_max": 50, "education": ["1", "2"]},
        "filtered, 100 rows": {
            "unit": unit_id,
            "age_min": 35,
            "age_max": 50,
            "education": ["1", "2"],
            "page_size": 100,
        },
    }
    print(f"\n{'case':<44} {'median':>9} {'min':>9} {'p90':>9} {'queries':>8} {'rows':>5} {'count':>10}")
    results = {}
    for name, params in cases.items():
        result = _time_case(client, params, args.runs)
        results[name] = result
        print(
            f"{name:<44} {result['median']:>7.1f}ms {result['min']:>7.1f}ms {result['p90']:>7.1f}ms "
            f"{len(result['queries']):>8} {result['rows']:>5} {result['total']:>10}"
        )
    if args.explain:
        for name, result in results.items():
            # The queries that grow with the table: the count and the page's ids.
            scaling = [q for q in result["queries"] if q["sql"].startswith(SCALING_QUERIES)]
            others = sorted(
                (q for q in result["queries"] if q not in scaling), key=lambda q: float(q["time"]), reverse=True
            )
            shown = [*scaling, *others[:1]]
            print(f"\n=== {name}: the count, the page's ids and the slowest other of {len(result['queries'])} queries")
            for query in shown:
                print(f"\n--- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
                print(_explain(query["sql"]))


if __name__ == "__main__":
    main(sys.argv[1:])
