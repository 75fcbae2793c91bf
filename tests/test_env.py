"""cadre.env: settings from the environment, parsed strictly. A value that
cannot be parsed must stop the process, never turn into a default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from cadre.env import database_url, envbool, envint, envlist, envstr, parse_database_url

NAME = "CADRE_TEST_SETTING"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


# --- envbool ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "on", " on ", "Yes\n"])
def test_envbool_true_values(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    assert envbool(NAME, False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off", "OFF", "", "  "])
def test_envbool_false_values(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    assert envbool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_envbool_unset_gives_the_default(default):
    assert envbool(NAME, default) is default


@pytest.mark.parametrize("value", ["2", "-1", "y", "n", "tru", "enabled", "off!", "0.0"])
def test_envbool_refuses_anything_else_and_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    with pytest.raises(ImproperlyConfigured, match=NAME):
        envbool(NAME, False)


# --- envint -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("42", 42), ("0", 0), ("-3", -3), (" 7 ", 7), ("+8", 8)])
def test_envint_parses_integers(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)

    assert envint(NAME, 99) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_envint_unset_or_blank_gives_the_default(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv(NAME, value)

    assert envint(NAME, 99) == 99


@pytest.mark.parametrize("value", ["4.5", "abc", "1e3", "10s", "0x10", "1,000"])
def test_envint_refuses_non_integers_and_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    with pytest.raises(ImproperlyConfigured, match=NAME):
        envint(NAME, 99)


# --- envlist and envstr ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a.example, b.example,,c.example ", ["a.example", "b.example", "c.example"]),
        ("localhost", ["localhost"]),
        ("", []),
        (" , ", []),
    ],
)
def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)

    assert envlist(NAME, ["default"]) == expected


def test_envlist_unset_gives_the_default():
    assert envlist(NAME, ["default"]) == ["default"]


def test_envstr_returns_the_raw_value_or_the_default(monkeypatch):
    assert envstr(NAME) is None
    assert envstr(NAME, "fallback") == "fallback"

    monkeypatch.setenv(NAME, "")
    assert envstr(NAME, "fallback") == ""


# --- parse_database_url -------------------------------------------------------------


def test_tcp_url():
    assert parse_database_url("postgresql://cadre:secret@db.internal:5433/cadre_prod") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cadre_prod",
        "USER": "cadre",
        "PASSWORD": "secret",
        "HOST": "db.internal",
        "PORT": "5433",
        "OPTIONS": {},
    }


def test_postgres_scheme_alias_and_default_port():
    config = parse_database_url("postgres://cadre@127.0.0.1/cadre")

    assert (config["ENGINE"], config["HOST"], config["PORT"], config["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "127.0.0.1",
        "",
        "",
    )


def test_socket_url_takes_the_host_from_the_query():
    config = parse_database_url("postgresql://postgres@/cadre?host=/tmp/x")

    socket_dir = "/tmp/x"  # noqa: S108 - only compared, nothing is created there
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == ("cadre", "postgres", socket_dir, "")


def test_socket_url_with_an_encoded_directory():
    config = parse_database_url("postgresql://postgres@/cadre?host=%2Fvar%2Frun%2Fpostgresql")

    assert config["HOST"] == "/var/run/postgresql"


@pytest.mark.parametrize(
    ("url", "user", "password"),
    [
        ("postgresql://cadre:p%40ss%3Aw%2Fd%23%3F@db/cadre", "cadre", "p@ss:w/d#?"),
        ("postgresql://cadre:%E5%AF%86%E7%A0%81%25@db/cadre", "cadre", "密码%"),
        ("postgresql://ad%40min:a%20b@db/cadre", "ad@min", "a b"),
    ],
)
def test_escaped_characters_in_credentials_are_decoded(url, user, password):
    config = parse_database_url(url)

    assert (config["USER"], config["PASSWORD"], config["HOST"], config["NAME"]) == (user, password, "db", "cadre")


def test_ipv6_host():
    config = parse_database_url("postgresql://cadre@[::1]:5432/cadre")

    assert (config["HOST"], config["PORT"]) == ("::1", "5432")


def test_sslmode_goes_into_options():
    config = parse_database_url("postgresql://cadre@db/cadre?sslmode=verify-full")

    assert config["OPTIONS"] == {"sslmode": "verify-full"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///db.sqlite3",
        "sqlite://:memory:",
        "mysql://root@localhost/cadre",
        "postgresql+psycopg://cadre@db/cadre",
        "db/cadre",
        "",
    ],
)
def test_anything_but_postgresql_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="postgresql://"):
        parse_database_url(url)


@pytest.mark.parametrize("url", ["postgresql://cadre@db", "postgresql://cadre@db/", "postgresql://cadre@/?host=/tmp"])
def test_url_without_a_database_name_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        parse_database_url(url)


@pytest.mark.parametrize("url", ["postgresql://cadre@db:port/cadre", "postgresql://cadre@db:70000/cadre"])
def test_bad_port_is_refused_as_a_configuration_error(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


# --- database_url: Django's settings back into a URL -----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://cadre:secret@db.internal:5433/cadre_prod",
        "postgresql://postgres@127.0.0.1/cadre",
        "postgresql://postgres@/cadre?host=/work/main/var/pg",
        "postgresql://postgres@/cadre?host=/run/postgresql&port=5433",
        "postgresql://cadre:p%40ss%3Aw%2Fd%23%3F@db/cadre",
        "postgresql://ad%40min:%E5%AF%86%E7%A0%81%25@db/cadre",
        "postgresql://cadre@[::1]:5432/cadre",
        "postgresql://cadre@db/cadre?sslmode=verify-full",
    ],
)
def test_database_url_round_trips_through_the_parser(url):
    config = parse_database_url(url)

    assert parse_database_url(database_url(config)) == config


def test_the_embedded_servers_socket_directory_stays_a_socket_directory():
    # The defect this function fixes: the socket directory pasted in as a host
    # name (postgresql://postgres:@/…/var/pg:5432/test_cadre) reached no server.
    config = {"NAME": "test_cadre", "USER": "postgres", "PASSWORD": "", "HOST": "/work/main/var/pg", "PORT": ""}

    url = database_url(config)

    assert url == "postgresql://postgres@/test_cadre?host=/work/main/var/pg"
    assert parse_database_url(url)["HOST"] == "/work/main/var/pg"


def test_a_socket_url_with_a_bad_port_in_the_query_is_refused():
    with pytest.raises(ImproperlyConfigured, match="invalid port"):
        parse_database_url("postgresql://postgres@/cadre?host=/run/postgresql&port=x")
