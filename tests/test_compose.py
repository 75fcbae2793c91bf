"""The production-like stack (docker-compose.yml, Dockerfile, .dockerignore).

No Docker engine runs in the test environment, so these tests read the files
and check what would go wrong at deploy time: services that start before
their dependencies, commands that point at the wrong module, health checks
that cannot succeed, secrets written into the repository, DEBUG left on.
"""

from __future__ import annotations

import posixpath
import re
import shlex
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.http.request import validate_host

from cadre.env import parse_database_url

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SERVICES = ("postgres", "redis", *APP_SERVICES)

# The values a deployment would put in .env; used to resolve ${...}.
DEPLOY_ENV = {"SECRET_KEY": "deploy-secret", "POSTGRES_PASSWORD": "deploy-password"}


# --- reading the files ---------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return dict(compose["services"])


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), with line
    continuations joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(rest.split())))
    return instructions


class MissingVariable(Exception):
    pass


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution: $$, ${X}, ${X:-default}, ${X-default},
    ${X:?error}, ${X?error}."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        value = env.get(name)
        missing = not value if op and op.startswith(":") else value is None
        if op and op.endswith("?") and missing:
            raise MissingVariable(f"{name}: {arg}")
        if op and op.endswith("-") and missing:
            return arg
        return value or ""

    return _VARIABLE.sub(substitute, text)


def environment(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {str(key): "" if value is None else str(value) for key, value in raw.items()}


def shell_commands(command: Any) -> list[list[str]]:
    """A service command as the list of commands it runs; a `sh -c` script is
    split on `&&`. Anything but fail-fast `&&` chaining is refused."""
    if isinstance(command, str):
        command = shlex.split(command)
    tokens = [str(token) for token in command]
    if tokens[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"], ["/bin/bash", "-c"]):
        assert len(tokens) == 3, tokens
        script = tokens[2]
        for separator in (";", "||", "\n"):
            assert separator not in script, f"a step can fail without stopping the script: {script!r}"
        return [shlex.split(part) for part in script.split("&&")]
    return [tokens]


def healthcheck_tokens(service: dict[str, Any]) -> list[str]:
    check = service.get("healthcheck")
    assert check, "no healthcheck"
    assert not check.get("disable"), "healthcheck disabled"
    test = check["test"]
    if isinstance(test, str):
        return shlex.split(interpolate(test, {}))
    kind, *rest = (str(item) for item in test)
    assert kind in {"CMD", "CMD-SHELL"}, f"healthcheck test {test!r} checks nothing"
    if kind == "CMD-SHELL":
        (script,) = rest
        return shlex.split(interpolate(script, {}))
    return [interpolate(token, {}) for token in rest]


def option(tokens: list[str], *names: str) -> str | None:
    """The value of a command-line option given as `--name value`,
    `--name=value` or `-Xvalue`."""
    for index, token in enumerate(tokens):
        for name in names:
            if token == name and index + 1 < len(tokens):
                return tokens[index + 1]
            if name.startswith("--") and token.startswith(name + "="):
                return token.split("=", 1)[1]
            if len(name) == 2 and token.startswith(name) and len(token) > 2 and not token.startswith("--"):
                return token[2:]
    return None


def named_mounts(service: dict[str, Any]) -> dict[str, str]:
    """Mount target -> named volume (bind mounts of host paths excluded)."""
    mounts: dict[str, str] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":")[0]
        else:
            if volume.get("type", "volume") != "volume":
                continue
            source, target = volume.get("source", ""), volume["target"]
        if source and not source.startswith((".", "/", "~", "$")):
            mounts[target] = source
    return mounts


# --- services ------------------------------------------------------------------------


def test_all_five_services_exist(services):
    assert set(SERVICES) <= set(services)


def test_images_are_postgres_16_and_redis_7(services):
    assert re.fullmatch(r"postgres:16([.-].*)?", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7([.-].*)?", services["redis"]["image"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_the_dockerfile(services, name):
    build = services[name].get("build")
    assert build is not None, f"{name} is not built from this repository"
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == ROOT / "Dockerfile"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_a_healthcheck_it_can_run(services, dockerfile, name):
    tokens = healthcheck_tokens(services[name])
    programs = {
        "postgres": {"pg_isready"},
        "redis": {"redis-cli"},
        # The slim image has no curl or wget; Python and Celery are there.
        **{service: {"python", "celery"} for service in APP_SERVICES},
    }[name]
    assert tokens[0] in programs, f"{name}'s healthcheck runs {tokens[0]!r}, not one of {programs}"


def test_postgres_healthcheck_asks_for_the_app_database(services):
    postgres = services["postgres"]
    tokens = healthcheck_tokens(postgres)
    env = environment(postgres)

    assert tokens[0] == "pg_isready"
    assert option(tokens, "-U", "--username") == env["POSTGRES_USER"]
    assert option(tokens, "-d", "--dbname") == env["POSTGRES_DB"]


def test_redis_healthcheck_pings(services):
    tokens = healthcheck_tokens(services["redis"])

    assert tokens[0] == "redis-cli"
    assert tokens[-1] == "ping"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(services, name):
    depends_on = services[name].get("depends_on")
    assert isinstance(depends_on, dict), "a plain list of dependencies does not wait for health"
    for dependency in ("postgres", "redis"):
        assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (name, dependency)


def test_every_awaited_service_has_a_healthcheck(services):
    for name, service in services.items():
        depends_on = service.get("depends_on")
        if isinstance(depends_on, dict):
            for dependency, condition in depends_on.items():
                if condition.get("condition") == "service_healthy":
                    assert services[dependency].get("healthcheck"), f"{name} waits for {dependency}'s health"


# --- commands ------------------------------------------------------------------------


def test_web_migrates_before_it_serves(services):
    steps = shell_commands(services["web"]["command"])

    assert steps[0] == ["python", "manage.py", "migrate", "--noinput"]
    assert "gunicorn" in steps[-1]
    assert all("gunicorn" not in step for step in steps[:-1])


def test_web_runs_gunicorn_on_the_cadre_wsgi_app_with_several_workers(services):
    steps = shell_commands(services["web"]["command"])
    gunicorn = steps[-1]
    # After `sh -c`, exec: gunicorn replaces the shell and gets the stop
    # signal itself, instead of being killed after the grace period.
    assert gunicorn[:2] == ["exec", "gunicorn"] if len(steps) > 1 else gunicorn[0] == "gunicorn"
    arguments = gunicorn[gunicorn.index("gunicorn") + 1 :]

    assert "cadre.wsgi:application" in arguments
    assert option(arguments, "-b", "--bind") == "0.0.0.0:8000"
    workers = option(arguments, "-w", "--workers")
    assert workers is not None and int(workers) >= 2


def test_gunicorn_serves_the_settings_wsgi_application(services, settings):
    gunicorn = shell_commands(services["web"]["command"])[-1]
    (target,) = [token for token in gunicorn if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", token)]

    assert target.replace(":", ".") == settings.WSGI_APPLICATION


def test_web_publishes_the_gunicorn_port(services):
    container_ports = {str(port).rsplit(":", 1)[-1] for port in services["web"].get("ports", [])}
    assert "8000" in container_ports


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_celery_for_the_cadre_app(services, name, subcommand):
    (tokens,) = shell_commands(services[name]["command"])

    assert tokens[0] == "celery"
    assert option(tokens, "-A", "--app") == "cadre"
    assert subcommand in tokens
    assert option(tokens, "-l", "--loglevel") in {"info", "INFO"}


def test_celery_app_option_finds_the_project_app():
    # What `celery -A cadre` does to find the application.
    app = find_app("cadre")

    assert isinstance(app, Celery)
    assert app.main == "cadre"


def node_name(tokens: list[str], default: str) -> str:
    return (option(tokens, "-n", "--hostname") or default).replace("%h", "$HOSTNAME")


@pytest.mark.parametrize(("name", "default_node"), [("worker", "celery@%h"), ("beat", "celerybeat@%h")])
def test_celery_healthchecks_ping_their_own_node(services, name, default_node):
    (command,) = shell_commands(services[name]["command"])
    check = healthcheck_tokens(services[name])

    assert check[0] == "celery"
    assert option(check, "-A", "--app") == "cadre"
    assert [token for token in check if token in {"inspect", "ping"}] == ["inspect", "ping"]
    # Without a destination any other worker's answer would do.
    assert option(check, "-d", "--destination") == node_name(command, default_node)


def test_beat_answers_pings(services):
    (command,) = shell_commands(services["beat"]["command"])

    assert "--enable-remote-control" in command


# --- volumes -------------------------------------------------------------------------


def test_named_volumes_used_by_services_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for target, volume in named_mounts(service).items():
            assert volume in declared, f"{name} mounts undeclared volume {volume} on {target}"


def test_postgres_data_is_on_a_named_volume(services):
    assert "/var/lib/postgresql/data" in named_mounts(services["postgres"])


def test_beat_schedule_file_is_on_a_named_volume(services):
    (command,) = shell_commands(services["beat"]["command"])
    schedule = option(command, "-s", "--schedule")

    assert schedule is not None, "beat's schedule file would be in the image, lost on every restart"
    assert posixpath.dirname(schedule) in named_mounts(services["beat"])


def test_static_files_are_on_a_named_volume(services, dockerfile):
    static_root = environment(services["web"])["STATIC_ROOT"]

    assert static_root in named_mounts(services["web"])
    # The image collected its files to the same place.
    assert f"STATIC_ROOT={static_root}" in " ".join(args for keyword, args in dockerfile if keyword == "ENV")


# --- settings ------------------------------------------------------------------------


def resolved_environment(service: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, str]:
    return {key: interpolate(value, DEPLOY_ENV if env is None else env) for key, value in environment(service).items()}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_secret_key_must_come_from_the_deployment(services, name):
    env = environment(services[name])

    assert re.fullmatch(r"\$\{SECRET_KEY:?\?[^}]*\}", env["SECRET_KEY"]), env["SECRET_KEY"]
    assert resolved_environment(services[name])["SECRET_KEY"] == DEPLOY_ENV["SECRET_KEY"]
    with pytest.raises(MissingVariable, match="SECRET_KEY"):
        resolved_environment(services[name], {"POSTGRES_PASSWORD": "x"})


SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD")


def secret_assignments(node: Any) -> list[tuple[str, str]]:
    """Every (name, value) a secret is given anywhere in the compose file,
    in mapping form or in `NAME=value` list form."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SECRETS:
                found.append((key, "" if value is None else str(value)))
            found.extend(secret_assignments(value))
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str) and item.split("=", 1)[0] in SECRETS:
                name, _, value = item.partition("=")
                found.append((name, value))
            found.extend(secret_assignments(item))
    return found


def test_no_secret_is_written_into_the_files(compose, dockerfile):
    assignments = secret_assignments(compose)

    assert {name for name, _ in assignments} == set(SECRETS)
    for name, value in assignments:
        assert re.fullmatch(rf"\$\{{{name}:?\?[^}}]*\}}", value), f"{name} has a value in docker-compose.yml: {value!r}"
    # Inline in a RUN step is the only place the Dockerfile may set one.
    for keyword, args in dockerfile:
        if keyword in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in args


@pytest.mark.parametrize("name", APP_SERVICES)
def test_debug_is_off_and_cannot_be_switched_on_from_the_shell(services, name):
    value = environment(services[name])["DEBUG"]

    assert "$" not in value
    assert value.strip().lower() in {"0", "false", "no", "off"}


def test_allowed_hosts_are_set_and_not_a_wildcard(services):
    hosts = resolved_environment(services["web"])["ALLOWED_HOSTS"]

    assert hosts.strip()
    assert "*" not in hosts.split(",")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_database_url_points_at_the_postgres_service(services, name):
    postgres = resolved_environment(services["postgres"])
    database = parse_database_url(resolved_environment(services[name])["DATABASE_URL"])

    assert database["HOST"] == "postgres"
    assert database["PORT"] in {"", "5432"}
    assert database["NAME"] == postgres["POSTGRES_DB"]
    assert database["USER"] == postgres["POSTGRES_USER"]
    assert database["PASSWORD"] == postgres["POSTGRES_PASSWORD"] == DEPLOY_ENV["POSTGRES_PASSWORD"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_redis_url_points_at_the_redis_service(services, name):
    url = urlsplit(resolved_environment(services[name])["REDIS_URL"])

    assert url.scheme == "redis"
    assert url.hostname == "redis"


# --- the web healthcheck, run against a stand-in for the server -----------------------


def web_probe(services: dict[str, Any]) -> str:
    tokens = healthcheck_tokens(services["web"])
    assert tokens[:2] == ["python", "-c"], tokens
    return tokens[2]


@pytest.mark.parametrize(
    "deployed_hosts",
    [None, "", "localhost", "cadre.example.org,localhost", " cadre.example.org ", ".example.org", "*"],
)
def test_web_probe_asks_healthz_with_a_host_django_accepts(services, monkeypatch, deployed_hosts):
    deploy_env = dict(DEPLOY_ENV) if deployed_hosts is None else {**DEPLOY_ENV, "ALLOWED_HOSTS": deployed_hosts}
    container_hosts = resolved_environment(services["web"], deploy_env)["ALLOWED_HOSTS"]
    requests: list[urllib.request.Request] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> None:
        requests.append(request)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setenv("ALLOWED_HOSTS", container_hosts)
    exec(compile(web_probe(services), "<web healthcheck>", "exec"), {})  # noqa: S102 - our own compose file

    (request,) = requests
    assert urlsplit(request.full_url)[1:3] == ("127.0.0.1:8000", "/healthz")
    host = request.get_header("Host")
    # The same parsing as the settings' envlist("ALLOWED_HOSTS", ...).
    allowed = [item.strip() for item in container_hosts.split(",") if item.strip()]
    assert host is not None and validate_host(host, allowed)


def test_web_probe_fails_on_an_error_status(services, monkeypatch):
    def refusing_urlopen(request: urllib.request.Request, timeout: float) -> None:
        raise urllib.error.HTTPError(request.full_url, 503, "Service Unavailable", None, None)  # type: ignore[arg-type]

    monkeypatch.setattr(urllib.request, "urlopen", refusing_urlopen)
    with pytest.raises(urllib.error.HTTPError):
        exec(compile(web_probe(services), "<web healthcheck>", "exec"), {})  # noqa: S102 - our own compose file


# --- the image -----------------------------------------------------------------------


def test_image_is_python_3_11(dockerfile):
    bases = [args for keyword, args in dockerfile if keyword == "FROM"]

    assert bases
    assert re.fullmatch(r"python:3\.11(-slim)?(\S*)?( AS \S+)?", bases[-1], re.IGNORECASE), bases[-1]


def test_image_installs_the_pinned_requirements_before_copying_the_code(dockerfile):
    install = next(
        index
        for index, (keyword, args) in enumerate(dockerfile)
        if keyword == "RUN" and "pip install" in args and "-r requirements.txt" in args
    )
    copy_requirements = next(
        index for index, (keyword, args) in enumerate(dockerfile) if keyword == "COPY" and "requirements.txt" in args
    )
    copy_all = next(
        index
        for index, (keyword, args) in enumerate(dockerfile)
        if keyword == "COPY" and args.split()[0] == "." and "requirements.txt" not in args
    )

    assert copy_requirements < install < copy_all


def test_image_collects_static_files_with_a_build_only_key(dockerfile):
    collect = [args for keyword, args in dockerfile if keyword == "RUN" and "collectstatic" in args]

    assert len(collect) == 1
    assert "SECRET_KEY=" in collect[0].split("python")[0]
    assert "--noinput" in collect[0]


def test_image_runs_as_an_unprivileged_user(dockerfile):
    users = [(index, args) for index, (keyword, args) in enumerate(dockerfile) if keyword == "USER"]

    assert users, "the image runs as root"
    index, user = users[-1]
    assert user.split(":")[0] not in {"root", "0"}
    # The server starts after the switch, not before it.
    assert all(
        keyword not in {"CMD", "ENTRYPOINT"} or position > index for position, (keyword, _) in enumerate(dockerfile)
    )


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }

    assert {".env", ".venv", "var", ".git"} <= ignored
