"""Browser tests: Playwright driving Debian's chromium (installed by .ci/run;
browsers are never downloaded here) against Django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the live server
# and the test's own ORM calls are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need chromium at {CHROMIUM}; .ci/run installs it")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture
def screenshot_dir() -> Iterator[str]:
    path = os.environ.get("E2E_SCREENSHOTS", "var/screenshots")
    os.makedirs(path, exist_ok=True)
    yield path


@pytest.fixture(autouse=True)
def _code_tables(transactional_db: Any) -> None:
    # A transactional test empties every table when it ends, including the
    # code tables the migration loaded; put them back for the next one.
    from personnel.codes import load_codes

    load_codes()
