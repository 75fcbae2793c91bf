"""The embedded PostgreSQL used when no DATABASE_URL is configured.

The run and test scripts call ``python -m cadre.embedded_pg start`` before
anything touches the database: it starts a private PostgreSQL server (the
``pgserver`` wheel ships the binaries, so nothing is installed system-wide)
with its data and socket in ``var/pg`` and makes sure the application's
database exists. It is a real PostgreSQL, so the migrations and Postgres
features are the same as on a server. Nothing here runs at import time.
"""

from __future__ import annotations

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "var" / "pg"
DB_NAME = "cadre"


def default_url() -> str:
    """The URL of the embedded server's database (the server may be down)."""
    return f"postgresql://postgres@/{DB_NAME}?host={DATA_DIR}"


def start() -> str:
    import pgserver

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running when this process exits, so
    # the web server, the worker and the tests that follow can use it.
    server = pgserver.get_server(DATA_DIR, cleanup_mode=None)  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # noqa: S608 - a constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return default_url()


def stop() -> None:
    import pgserver

    if DATA_DIR.exists():
        pgserver.get_server(DATA_DIR, cleanup_mode="stop").cleanup()  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        print(start())
        return 0
    if command == "stop":
        stop()
        return 0
    print(f"usage: {argv[0]} start|stop", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
