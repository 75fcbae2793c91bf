"""Optimistic concurrency over HTTP: a cadre's ETag is its version, and every
change to a cadre or one of its sub-records must say (If-Match) which
version it was made against.

The ETag is strong (``"7"``), but If-Match is compared on the version alone,
so a tag weakened on the way (``W/"7"``, as gzip-ing proxies do) still
matches: the version is the whole identity of the record's state here.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.request import Request

from personnel.models import Cadre

STALE = "该记录已被他人修改，请重新获取最新内容（GET）后再提交修改"
ANY_REFUSED = "If-Match 不能为 *：请提供该记录的 ETag（先 GET 该记录获取）"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "修改前必须在 If-Match 请求头中提供该记录的 ETag（先 GET 该记录获取）"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE
    default_code = "precondition_failed"


def etag_for(version: int) -> str:
    return f'"{version}"'


def _versions(header: str) -> set[int]:
    versions: set[int] = set()
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tag = tag.strip('"')
        if tag.isdigit():
            versions.add(int(tag))
    return versions


def expected_version(request: Request, cadre: Cadre) -> int:
    """The version of ``cadre`` the client edited, from If-Match: 428 without
    it. Whether that is still the record's version is the write service's
    check (``expected_version``), made under the row lock: a stale version
    is refused there (StaleRecord, 412)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        # "*" would mean "whatever is there now": exactly the blind overwrite
        # the header exists to prevent.
        raise PreconditionRequired(ANY_REFUSED)
    versions = _versions(header)
    if cadre.version in versions:
        # Several tags may be listed; the one the record had when read is
        # the one this edit can still be made against.
        return cadre.version
    # None of them is current (or none parses): the service refuses it.
    return min(versions, default=-1)


def current_version(cadre_id: int) -> int:
    version: int = Cadre.objects.filter(pk=cadre_id).values_list("version", flat=True).get()
    return version
