# Shared by scripts/run and scripts/test: a virtualenv with the pinned
# requirements, and a database (the embedded PostgreSQL when DATABASE_URL is
# not set). Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="$ROOT/.venv"

ensure_venv() {
  local reqs="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtualenv in .venv"
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the requirement files changed.
  local stamp="$VENV/.requirements-$(basename "$reqs").sha"
  local sum
  sum="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "==> installing $reqs"
    "$VENV/bin/pip" install -q -r "$reqs"
    echo "$sum" > "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

ensure_dirs() {
  mkdir -p var/log var/static var/celery/queue var/celery/processed var/celery/control
}

ensure_database() {
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "==> DATABASE_URL not set: starting the embedded PostgreSQL in var/pg"
    DATABASE_URL="$(python -m cadre.embedded_pg start 2>/dev/null | tail -n 1)"
    export DATABASE_URL
  fi
}
