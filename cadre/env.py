"""Typed readers for settings taken from the environment.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot parse,
so a typo in a deployment never silently turns into a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_database_url(url: str) -> dict[str, object]:
    """Turn ``postgresql://user:pass@host:port/name?host=/socket/dir`` into a
    Django DATABASES entry. Only PostgreSQL is accepted: the project runs on
    nothing else."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgresql:// URL (PostgreSQL is the only database), got scheme {parts.scheme!r}"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("DATABASE_URL has an invalid port") from None
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    # libpq's own form for a socket directory with a non-default port.
    query_port = query.pop("port", None)
    if port is None and query_port:
        if not query_port.isdigit() or not 0 < int(query_port) < 65536:
            raise ImproperlyConfigured("DATABASE_URL has an invalid port")
        port = int(query_port)
    options: dict[str, object] = {}
    if "sslmode" in query:
        options["sslmode"] = query.pop("sslmode")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """Turn a Django DATABASES entry back into the URL that
    :func:`parse_database_url` reads, so a child process (a worker started by
    a test, a benchmark's helper) reaches the very database this process uses.

    A HOST that is a directory (the embedded server's socket directory) goes
    into the ``host`` query parameter, not the authority: pasted in as a host
    name it makes a URL that no client can connect to.
    """
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = str(settings_dict.get("HOST") or "")
    port = str(settings_dict.get("PORT") or "")
    name = quote(str(settings_dict["NAME"]), safe="")
    query: dict[str, str] = {}
    if host.startswith("/"):
        query["host"] = host
        authority_host = ""
    else:
        authority_host = f"[{host}]" if ":" in host else host
    userinfo = ""
    if user:
        userinfo = f"{user}:{password}@" if password else f"{user}@"
    elif password:
        userinfo = f":{password}@"
    authority = userinfo + authority_host + (f":{port}" if port and authority_host else "")
    options = settings_dict.get("OPTIONS") or {}
    if "sslmode" in options:
        query["sslmode"] = str(options["sslmode"])
    if query.get("host") and port:
        query["port"] = port
    suffix = f"?{urlencode(query, safe='/')}" if query else ""
    return f"postgresql://{authority}/{name}{suffix}"
