"""Benchmark: a 50-row page of GET /api/v1/cadres/ against a plain
``.values()`` + JsonResponse view of the same page, in the same run.

What it does:

1. generates N demo cadres (``manage.py demo_data --size N --reset``; skipped
   when the demo data already has exactly N cadres, unless ``--regenerate``);
2. makes an org-staff account whose jurisdiction is the demo area, and its
   API token;
3. starts gunicorn (2 sync workers, 127.0.0.1, a free port) with a settings
   module written to a temporary directory that imports ``cadre.settings``
   and turns on ``BENCH_PLAIN_VIEW`` (DEBUG off; persistent database
   connections as configured by DB_CONN_MAX_AGE);
4. checks the URLs return the same 50 ids, warms up, then loads each URL in
   rotating rounds with 32 concurrent connections, using ``wrk`` when it is
   installed (``apt-get install -y wrk``) and a bounded asyncio client
   otherwise; only 127.0.0.1, bounded in time and in requests;
5. prints requests/s, p50 and p99 latency per URL and the ratios.

The URLs:

- ``plain``: the plain view reading the page with the same SQL as the API
  (token lookup, the actor's scope, the shared filter
  ``cadre_list_visible_to``, a count, the page's ids, their columns). The
  ratio API/plain is what DRF (authentication and permission classes,
  content negotiation, pagination, the exception handler) and the API's row
  shape (computed age, display labels) cost;
- ``naive``: the plain view slicing one ``.values()`` query, as a plain view
  is usually written; the ratio API/naive includes what the API's two-step
  page read saves;
- ``api``: GET /api/v1/cadres/.

Run with the project's environment, on a database of its own::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cadre_bench SECRET_KEY=x \\
        python bench/api_list.py --size 20000

Nothing is asserted: the figures are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_PATH = "/api/v1/cadres/"
PLAIN_PATH = "/api/v1/bench/plain-cadres/"
NAMES = ("plain", "naive", "api")
BENCH_USER = "bench_org_staff"
BENCH_JURISDICTION = "接口基准测试（演示）"
MAX_REQUESTS_PER_RUN = 200_000  # the Python client's hard stop, whatever the duration
SETTINGS_MODULE = "cadre_bench_settings"


@dataclass
class RunResult:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- setup ---------------------------------------------------------------------------------------


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603 - fixed argv


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.settings")
    import django

    django.setup()


def ensure_data(size: int, *, regenerate: bool) -> int:
    from personnel.demo import demo_roots
    from personnel.models import Cadre

    def demo_count() -> int:
        paths = list(demo_roots().values_list("path", flat=True))
        return sum(Cadre.objects.filter(unit__path__startswith=path).count() for path in paths)

    if regenerate or demo_count() != size:
        print(f"generating {size:,} demo cadres …", flush=True)
        manage("demo_data", "--size", str(size), "--reset", "--verbosity", "1")
    return demo_count()


def bench_token() -> str:
    """An org-staff account over the demo area, and its token."""
    from rest_framework.authtoken.models import Token

    from accounts.models import Jurisdiction, Role, RoleAssignment, User
    from personnel.demo import demo_roots

    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"display_name": "接口基准测试"})
    jurisdiction, _ = Jurisdiction.objects.get_or_create(name=BENCH_JURISDICTION)
    jurisdiction.root_units.set(demo_roots())
    RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_STAFF, defaults={"jurisdiction": jurisdiction})
    token, _ = Token.objects.get_or_create(user=user)
    key: str = token.key
    return key


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    (workdir / f"{SETTINGS_MODULE}.py").write_text(
        "from cadre.settings import *  # noqa: F403\n\nBENCH_PLAIN_VIEW = True\n", encoding="utf-8"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cadre.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "256",
        # Gunicorn's control socket has one default path per user; another
        # gunicorn on the machine (a colleague's, a second bench) would clash.
        "--no-control-socket",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - fixed argv, no shell


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def fetch_json(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        body: dict[str, Any] = json.loads(response.read())
        return body


# --- load -------------------------------------------------------------------------------------------


def _wrk_ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(name: str, url: str, token: str, *, concurrency: int, seconds: float) -> RunResult:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed")
    command = [
        wrk,
        "--threads",
        "2",
        "--connections",
        str(concurrency),
        "--duration",
        f"{max(int(seconds), 1)}s",
        "--timeout",
        "10s",
        "--latency",
        "--header",
        f"Authorization: Token {token}",
        url,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    output = completed.stdout
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{output}\n{completed.stderr}")
    summary = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if summary is None:
        raise SystemExit(f"unexpected wrk output:\n{output}")
    requests = int(summary.group(1))
    secs = float(summary.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[summary.group(3)]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses: (\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        found = re.search(pattern, output)
        if found:
            errors += sum(int(g) for g in found.groups())
    return RunResult(
        name=name,
        requests=requests,
        seconds=secs,
        errors=errors,
        p50_ms=_wrk_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_wrk_ms(p99.group(1)) if p99 else float("nan"),
        tool="wrk",
    )


async def _client(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS_PER_RUN:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            data = await reader.read()  # the server closes after the response (Connection: close)
            writer.close()
        except OSError:
            errors[0] += 1
            continue
        if not data.startswith(b"HTTP/1.1 200"):
            errors[0] += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)


def run_python(name: str, url: str, token: str, *, concurrency: int, seconds: float) -> RunResult:
    match = re.match(r"http://(127\.0\.0\.1):(\d+)(/.*)", url)
    if match is None:
        raise SystemExit("the load client only talks to 127.0.0.1")
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Token {token}\r\n"
        "Accept: application/json\r\nConnection: close\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = [0]

    async def main() -> float:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(_client(host, port, request, deadline, latencies, errors) for _ in range(concurrency)))
        return time.monotonic() - start

    elapsed = asyncio.run(main())
    ordered = sorted(latencies) or [float("nan")]
    return RunResult(
        name=name,
        requests=len(latencies),
        seconds=elapsed,
        errors=errors[0],
        p50_ms=ordered[len(ordered) // 2],
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        tool="python-asyncio",
    )


# --- main ----------------------------------------------------------------------------------------------


def summarize(name: str, runs: list[RunResult]) -> RunResult:
    requests = sum(r.requests for r in runs)
    seconds = sum(r.seconds for r in runs)
    return RunResult(
        name=name,
        requests=requests,
        seconds=seconds,
        errors=sum(r.errors for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        tool=runs[0].tool,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="demo cadres to generate (default 20,000)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate even if the demo data has --size cadres")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--query", default="", help="extra list parameters, e.g. 'age_max=45&education=2'")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one measured round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per URL")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 256 or not 0 < args.seconds <= 120 or not 1 <= args.rounds <= 10:
        raise SystemExit("concurrency 1–256, seconds ≤ 120 and rounds 1–10 keep the load bounded")

    django_setup()
    manage("migrate", "--noinput", "--verbosity", "0")
    cadres = ensure_data(args.size, regenerate=args.regenerate)
    token = bench_token()
    from django.db import connections

    connections.close_all()

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    load = run_wrk if tool == "wrk" else run_python

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    query = f"page_size={args.page_size}" + (f"&{args.query}" if args.query else "")
    targets = {
        "plain": f"{base}{PLAIN_PATH}?{query}",
        "naive": f"{base}{PLAIN_PATH}?{query}&variant=naive",
        "api": f"{base}{API_PATH}?{query}",
    }
    workdir = Path(tempfile.mkdtemp(prefix="cadre-bench-"))
    server = start_gunicorn(port, workdir)
    try:
        wait_ready(base, server)
        api_page = fetch_json(targets["api"], token)
        api_ids = [row["id"] for row in api_page["results"]]
        for name in ("plain", "naive"):
            page = fetch_json(targets[name], token)
            if api_ids != [row["id"] for row in page["results"]] or api_page["count"] != page["count"]:
                raise SystemExit(f"the API and the {name} view disagree about the page")
        print(
            f"{cadres:,} demo cadres; page of {len(api_ids)} rows out of {api_page['count']:,} visible; "
            f"gunicorn 2 sync workers on 127.0.0.1:{port}; {args.concurrency} connections; load by {tool}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run",
            flush=True,
        )
        for url in targets.values():  # warm-up: imports, connections, caches
            load("warm-up", url, token, concurrency=args.concurrency, seconds=2)
        runs: dict[str, list[RunResult]] = {name: [] for name in NAMES}
        for round_number in range(args.rounds):
            # Rotate the order so that drift in the machine's load (other
            # processes share the cores) falls on every URL alike.
            shift = round_number % len(NAMES)
            for name in NAMES[shift:] + NAMES[:shift]:
                result = load(name, targets[name], token, concurrency=args.concurrency, seconds=args.seconds)
                runs[name].append(result)
                print(
                    f"  round {round_number + 1} {name:5}: {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
                    f"p99 {result.p99_ms:6.1f} ms  errors {result.errors}  load avg {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    plain, naive, api = (summarize(name, runs[name]) for name in NAMES)
    print()
    print(f"{'':34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    labels = {
        "plain": "plain view, same SQL as the API",
        "naive": "plain view, one .values() slice",
        "api": "GET /api/v1/cadres/",
    }
    for result in (plain, naive, api):
        print(f"{labels[result.name]:34}{result.rps:10.1f}{result.p50_ms:10.1f}{result.p99_ms:10.1f}{result.errors:8}")
    print(f"ratio API / plain (same SQL), req/s: {api.rps / plain.rps:.2f}")
    print(f"ratio API / naive plain view, req/s: {api.rps / naive.rps:.2f}")


if __name__ == "__main__":
    main()
