import os
from typing import Any

import pytest


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Under CI nothing may skip: a skipped test is a check that did not run
    (a missing service, browser or install step), so the run fails."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; nothing may skip in CI", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # The manifest storage needs collectstatic; tests render templates without it.
    # Hashing a password the production way takes ~0.3 s; tests make many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def live_worker(transactional_db: Any) -> Any:
    """A real Celery worker (solo pool, in a thread) on the configured
    broker — Redis when REDIS_URL is set, else the filesystem transport —
    for tests whose work must go through the queue. The data it reads must
    be committed, hence transactional_db."""
    from pathlib import Path

    from celery.contrib.testing.worker import start_worker

    from cadre.celery import app

    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_policy_cache(request: Any) -> Any:
    """The retirement schedules are read once per process and cached (a page
    pays no query for them): each test that uses the database starts with
    them read afresh from the test database, outside its transaction, so no
    test sees another's policy versions and no query count includes the read.
    A test without the database reads nothing (and needs no test database:
    `./scripts/test tests/test_env.py` must run on its own)."""
    from personnel.policy import clear_cache, retirement_age_policy

    clear_cache()
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(_DB_FIXTURES & set(request.fixturenames))
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            retirement_age_policy()
    yield
    clear_cache()
