"""The run command's first-run setup: accounts with printed passwords, a
jurisdiction over the registry's top units, nothing changed on a rerun."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.access import scope_of
from accounts.models import Role, User
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def _run(settings, tmp_path) -> str:
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def test_bootstrap_creates_printed_accounts_that_can_log_in(settings, tmp_path):
    county = make_unit("演示县")
    output = _run(settings, tmp_path)
    passwords = dict(line.split("\t") for line in (tmp_path / "accounts.txt").read_text().splitlines())
    assert set(passwords) == {"admin", "sysadmin", "secadmin", "auditor"}
    for username, password in passwords.items():
        assert password in output
        assert authenticate(username=username, password=password) is not None
    admin = User.objects.get(username="admin")
    assert scope_of(admin).write_paths == (county.path,)
    assert scope_of(User.objects.get(username="auditor")).roles == {Role.AUDIT_ADMIN.value}
    assert (tmp_path / "accounts.txt").stat().st_mode & 0o077 == 0


def test_bootstrap_twice_keeps_the_same_accounts(settings, tmp_path):
    make_unit("演示县")
    first = _run(settings, tmp_path)
    second = _run(settings, tmp_path)
    assert first == second
    assert User.objects.count() == 4
