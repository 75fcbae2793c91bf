"""Walks every URL pattern, web and API, as every persona against unit A's
objects, with every method.

It fails when
- a response shows unit A's cadre data to a persona who may not read it
  (every piece of A's cadre data carries the marker "甲秘" or A's ID number);
- a write by a persona who may not write changes anything (a digest of the
  registry and account tables is compared before and after);
- any response is a server error;
- a route takes arguments and nobody gave it sample arguments here, so every
  later route is covered without anyone remembering to.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from personnel.models import (
    Appraisal,
    Cadre,
    Code,
    CodeTable,
    Education,
    EducationKind,
    FamilyMember,
    LeadershipQuota,
    Photo,
    PostHeld,
    ResumeEntry,
    RewardPunishment,
)
from tests.factories import make_cadre, make_jurisdiction, make_unit, make_user

MARKER = "甲秘"
METHODS = ("get", "post", "put", "patch", "delete")
PERSONAS = (
    "anonymous",
    "clerk_b",
    "leader_a",
    "org_staff_b",
    "system_admin",
    "security_admin",
    "audit_admin",
    "api_client_b",
)


@dataclass(frozen=True)
class Route:
    key: str  # the full name (namespace:name) or, if unnamed, the full regex
    name: str | None
    regex: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        regex = prefix + str(entry.pattern.regex.pattern).lstrip("^")
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            routes.extend(_walk(entry.url_patterns, regex.rstrip("$"), ns))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            params = tuple(re.findall(r"\(\?P<(\w+)>", regex))
            routes.append(Route(key=name or regex, name=name, regex=regex, params=params))
    return routes


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.key + "|" + route.regex, route)
    return list(seen.values())


# --- who may do what ------------------------------------------------------------

# Readers of A's cadre data among the personas: the leader's grant covers A.
A_DATA_READERS: dict[str, set[str]] = {
    # The roster export is a list of the cadres the persona may read.
    r"^imports:roster-export$": {"leader_a"},
    r"^admin:(personnel|alerts|oversight)_": {"leader_a"},
    r"^(personnel|api|alerts|alerts-api):": {"leader_a"},
}
# Writers among the personas, by route: the separated admins in their own areas.
WRITERS: dict[str, set[str]] = {
    r"^admin:accounts_user_": {"system_admin"},
    r"^admin:auth_user_password_change$": {"system_admin"},
    r"^admin:accounts_(roleassignment|jurisdiction|loginlockout)_": {"security_admin"},
    r"^admin:personnel_code_": {"system_admin"},
    # A failed login is counted (axes_accessattempt) whoever tries it.
    r"^(accounts:login|api:auth-token)$": set(PERSONAS),
    # Anyone who may read cadres may ask for an export of them (their own job row).
    r"^api:exportjob-list$": {"clerk_b", "leader_a", "org_staff_b", "api_client_b"},
    # Policies are configuration (the system administrator's); any org staff
    # may start a check of every cadre (a run row, no cadre data).
    r"^alerts:policy-edit$": {"system_admin"},
    r"^alerts:run-start$": {"org_staff_b"},
    # Changing one's own password changes one's own account row.
    r"^admin:password_change$": {
        "clerk_b",
        "leader_a",
        "org_staff_b",
        "system_admin",
        "security_admin",
        "audit_admin",
    },
}


def _allowed(table: dict[str, set[str]], route: Route, persona: str) -> bool:
    return any(re.search(pattern, route.key) and persona in who for pattern, who in table.items())


# --- the world: unit A's objects, and everyone else ----------------------------------


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    code = Code.objects.filter
    root_a = make_unit("甲县")
    unit_a = make_unit("甲县财政局", parent=root_a)
    root_b = make_unit("乙县")
    unit_b = make_unit("乙县财政局", parent=root_b)
    jur_a = make_jurisdiction("甲县委组织部", root_a)
    jur_b = make_jurisdiction("乙县委组织部", root_b)
    birth = datetime.date(1978, 3, 1)
    cadre_a = make_cadre(unit_a, name="甲秘密", birth_date=birth, current_post="甲秘职务")
    make_cadre(unit_b, name="乙某某")
    relative_a = make_cadre(unit_a, name="甲秘亲属", birth_date=datetime.date(1980, 1, 1))
    post_level = code(table=CodeTable.POST_LEVEL).first() or Code.objects.create(
        table=CodeTable.POST_LEVEL, code="1A31", name="县处级正职"
    )
    objects: dict[str, Any] = {
        "unit": unit_a,
        "cadre": cadre_a,
        "education": Education.objects.create(
            cadre=cadre_a, kind=EducationKind.FULL_TIME, school="甲秘大学", major="甲秘专业"
        ),
        "resumeentry": ResumeEntry.objects.create(cadre=cadre_a, start_date=birth, content="甲秘机关科员"),
        "postheld": PostHeld.objects.create(cadre=cadre_a, unit=unit_a, title="甲秘职务", start_date=birth),
        "familymember": FamilyMember.objects.create(cadre=cadre_a, name="甲秘亲", work_unit_and_post="甲秘公司"),
        "rewardpunishment": RewardPunishment.objects.create(cadre=cadre_a, kind="reward", title="甲秘奖"),
        "appraisal": Appraisal.objects.create(cadre=cadre_a, year=2024, grade="excellent", note="甲秘考核"),
        "photo": Photo.objects.create(cadre=cadre_a, data=b"\xff\xd8\xff"),
        "code": code(table=CodeTable.ETHNICITY).first() or Code.objects.create(table="GB3304", code="01", name="汉族"),
        "jurisdiction": jur_a,
        "leadershipquota": LeadershipQuota.objects.create(unit=unit_a, post_level=post_level, count=2),
    }
    from alerts.models import Alert, CheckRun
    from oversight.models import InfluenceRecord
    from personnel.models import CadreRelation

    objects["alert"] = Alert.objects.create(
        cadre=cadre_a,
        rule="rotation_post",
        cause_key="x",
        anchor_id=cadre_a.pk,
        severity="violation",
        message="甲秘预警",
    )
    objects["checkrun"] = CheckRun.objects.create(trigger="manual", check_date=birth, status="done")
    objects["influencerecord"] = InfluenceRecord.objects.create(
        cadre=cadre_a, kind="admonishment", decided_on=birth, reason="甲秘事由"
    )
    objects["cadrerelation"] = CadreRelation.objects.create(
        cadre=cadre_a,
        relative=relative_a,
        relation=code(table=CodeTable.RELATION).first() or Code.objects.create(table="GB4761", code="13", name="妻子"),
        note="甲秘关系",
    )
    clerk_a = make_user("clerk_a", Role.UNIT_CLERK, unit=unit_a)
    objects["user"] = clerk_a
    objects["roleassignment"] = clerk_a.role_assignments.get()
    personas = {
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit=unit_b),
        "leader_a": make_user("leader_a", Role.LEADER, jurisdiction=jur_a),
        "org_staff_b": make_user("org_staff_b", Role.ORG_STAFF, jurisdiction=jur_b),
        "system_admin": make_user("system_admin", Role.SYSTEM_ADMIN),
        "security_admin": make_user("security_admin", Role.SECURITY_ADMIN),
        "audit_admin": make_user("audit_admin", Role.AUDIT_ADMIN),
        "api_client_b": make_user("api_client_b", Role.API_CLIENT, jurisdiction=jur_b),
    }
    # A change by A's own org staff, so the audit log has an entry about A.
    org_staff_a = make_user("org_staff_a", Role.ORG_STAFF, jurisdiction=jur_a)
    from personnel import services

    services.cadre_update(actor=org_staff_a, cadre=cadre_a, data={"note": "甲秘备注"})
    import pghistory.models

    objects["changerequest"] = services.change_request_submit(
        actor=clerk_a, cadre=cadre_a, changes={"current_post": "甲秘新职务"}, note="甲秘说明"
    )
    from imports.models import ExportJob, ImportFile, ImportJob, ImportRow

    job = ImportJob.objects.create(
        uploaded_by=clerk_a, unit=unit_a, filename="甲秘花名册.xlsx", file_size=3, file_sha256="0" * 64,
        status="validated", sheet_name="花名册", header_row=1, rows_total=2, count_changed=1, count_invalid=1,
        error_count=1,
    )  # fmt: skip
    ImportFile.objects.create(job=job, data=b"PK\x03\x04")
    ImportRow.objects.create(
        job=job, row_number=2, status="changed", name="甲秘密", id_number=cadre_a.id_number or "", cadre=cadre_a,
        cadre_version=cadre_a.version, data={"note": "甲秘篡改"}, changes=[["note", "备注", "甲秘备注", "甲秘篡改"]],
    )  # fmt: skip
    ImportRow.objects.create(
        job=job, row_number=3, status="invalid", name="甲秘某",
        errors=[{"row": 3, "column": "B", "field": "姓名", "message": "甲秘错误"}],
    )  # fmt: skip
    objects["importjob"] = job
    objects["exportjob"] = ExportJob.objects.create(
        requested_by=clerk_a, status="done", filename="甲秘.xlsx", data="甲秘".encode(), rows_total=1
    )
    from axes.models import AccessAttempt

    objects["loginlockout"] = AccessAttempt.objects.create(
        username="clerk_a", ip_address="10.0.0.1", user_agent="Mozilla/5.0", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=5,
    )  # fmt: skip
    context = pghistory.models.Context.objects.order_by("-created_at").first()
    if context is not None:
        objects["context"] = context
    return {"objects": objects, "personas": personas, "id_number": cadre_a.id_number}


def sample_kwargs(route: Route, world: dict[str, Any]) -> dict[str, Any] | None:
    """Arguments for a route, or None if nobody has said how to build them."""
    objects = world["objects"]
    if not route.params:
        return {}
    match = re.match(r"^admin:(\w+?)_(\w+?)_(change|delete|history)$", route.key)
    if match and route.params == ("object_id",):
        obj = objects.get(match.group(2))
        return None if obj is None else {"object_id": obj.pk}
    if route.key == "admin:app_list":
        return {"app_label": "personnel"}
    if route.key == "admin:view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(Cadre).pk, "object_id": objects["cadre"].pk}
    if route.key == "admin:auth_user_password_change" or route.key == "admin:accounts_user_password_change":
        return {"id": objects["user"].pk}
    explicit = SAMPLES.get(route.key)
    if explicit:
        sample: dict[str, Any] | None = explicit(world)
        return sample
    # Parameter names with a fixed meaning across the project's own routes.
    by_name = {"cadre_id": "cadre", "cadre_pk": "cadre", "unit_id": "unit", "unit_pk": "unit"}
    by_name["request_id"] = "changerequest"
    by_name["job_id"] = "importjob"
    by_name["export_id"] = "exportjob"
    kwargs: dict[str, Any] = {}
    for param in route.params:
        if param in by_name:
            kwargs[param] = objects[by_name[param]].pk
        elif param == "pk":
            # DRF router names: "api:<basename>-<action>"; the basename names the object.
            basename = re.match(r"^api:([\w]+)-", route.key)
            obj = objects.get(basename.group(1).replace("-", "")) if basename else None
            if obj is None:
                return None
            kwargs[param] = obj.pk
        elif param == "format":
            kwargs[param] = "json"
        else:
            return None
    return kwargs


# Routes with arguments that the generic rules above don't cover.
SAMPLES: dict[str, Any] = {
    **{
        f"alerts:{name}": (lambda world: {"alert_id": world["objects"]["alert"].pk})
        for name in ("detail", "acknowledge", "assign", "resolve")
    },
    **{
        f"alerts:{name}": (lambda world: {"run_id": world["objects"]["checkrun"].pk})
        for name in ("run-detail", "run-progress")
    },
    "alerts:policy-edit": lambda world: {"key": "rotation"},
    **{
        f"alerts-api:alert-{name}": (lambda world: {"pk": world["objects"]["alert"].pk})
        for name in ("detail", "acknowledge")
    },
}
# Routes without a name, by their full regex: the literal path to request.
UNNAMED_PATHS: dict[str, str] = {"admin/(?P<url>.*)$": "/admin/no-such-page/"}


def url_for(route: Route, world: dict[str, Any]) -> str | None:
    if route.name is None:
        # The admin's unnamed "<model>/<id>/" redirect to the change page.
        redirect = re.match(r"^admin/(\w+)/(\w+)/\(\?P<object_id>\.\+\)/\\Z$", route.regex)
        if redirect:
            obj = world["objects"].get(redirect.group(2))
            return None if obj is None else f"/admin/{redirect.group(1)}/{redirect.group(2)}/{obj.pk}/"
        return UNNAMED_PATHS.get(route.regex)
    kwargs = sample_kwargs(route, world)
    if kwargs is None:
        return None
    return reverse(route.name, kwargs=kwargs)


def payload_for(route: Route, world: dict[str, Any]) -> dict[str, Any]:
    """A write that would do damage if it were let through."""
    objects = world["objects"]
    model = re.match(r"^admin:\w+?_(\w+?)_", route.key or "")
    target = objects.get(model.group(1)) if model else None
    selected = [target.pk] if target is not None else []
    return {
        "action": "delete_selected",
        "_selected_action": selected,
        "post": "yes",
        "name": "篡改",
        "note": "篡改",
        "username": "intruder",
        "display_name": "篡改",
        "role": Role.ORG_STAFF.value,
        "jurisdiction": objects["jurisdiction"].pk,
        "unit": objects["unit"].pk,
        "cadre": objects["cadre"].pk,
        "sex": "2",
        "birth_date": "1990-01-01",
        "password1": "Intruder-Password-123",
        "password2": "Intruder-Password-123",
        "old_password": "correct-horse-battery",
        "new_password1": "Intruder-Password-123",
        "new_password2": "Intruder-Password-123",
        "is_active": "on",
    }


WATCHED_TABLES = [
    "personnel_unit",
    "personnel_leadershipquota",
    "personnel_cadre",
    "personnel_education",
    "personnel_resumeentry",
    "personnel_postheld",
    "personnel_familymember",
    "personnel_rewardpunishment",
    "personnel_appraisal",
    "personnel_photo",
    "personnel_changerequest",
    "personnel_code",
    "accounts_user",
    "accounts_roleassignment",
    "accounts_jurisdiction",
    "accounts_jurisdiction_root_units",
    "imports_importjob",
    "imports_importfile",
    "imports_importrow",
    "imports_exportjob",
    "alerts_alert",
    "alerts_alertevent",
    "personnel_policy",
    "alerts_checkrun",
    "alerts_checkchunk",
    "oversight_influencerecord",
    "personnel_cadrerelation",
    "personnel_kinship",
    "axes_accessattempt",
]


def digest() -> dict[str, int]:
    """How many rows of each watched table this test's transaction has
    inserted, updated or deleted so far. Every test runs in one transaction,
    so any write attempt, even one rolled back to a savepoint, shows up."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [WATCHED_TABLES],
        )
        counts = dict(cursor.fetchall())
    return {table: counts.get(table, 0) for table in WATCHED_TABLES}


def client_for(persona: str, world: dict[str, Any]) -> Client:
    client = Client(enforce_csrf_checks=False)
    if persona != "anonymous":
        client.force_login(world["personas"][persona])
    return client


def _shows_a_data(body: str, world: dict[str, Any]) -> bool:
    return MARKER in body or world["id_number"] in body


ROUTES = all_routes()


def test_every_route_with_arguments_has_samples(world: dict[str, Any]) -> None:
    missing = [route.key for route in ROUTES if url_for(route, world) is None]
    assert not missing, f"routes without sample arguments in tests/test_url_walker.py: {missing}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_route_as_every_persona(route: Route, world: dict[str, Any]) -> None:
    url = url_for(route, world)
    assert url is not None, f"no sample arguments for {route.key}: add them to SAMPLES or UNNAMED_PATHS"
    problems: list[str] = []
    for persona in PERSONAS:
        client = client_for(persona, world)
        baseline = digest()  # after the login, which stamps last_login
        for method in METHODS:
            writing = method != "get"
            if method == "get":
                response = client.get(url)
            else:
                data = payload_for(route, world)
                if method == "post":
                    response = client.post(url, data)
                else:
                    response = client.generic(method.upper(), url, "&".join(f"{k}=x" for k in data))
            status = response.status_code
            if status >= 500:
                problems.append(f"{persona} {method.upper()} {url}: server error {status}")
            body = response.content.decode("utf-8", "replace") if not getattr(response, "streaming", False) else ""
            if 200 <= status < 300 and _shows_a_data(body, world) and not _allowed(A_DATA_READERS, route, persona):
                problems.append(f"{persona} {method.upper()} {url}: shows unit A's cadre data ({status})")
            if writing:
                after = digest()
                changed = [table for table in WATCHED_TABLES if baseline[table] != after[table]]
                if changed and not _allowed(WRITERS, route, persona):
                    problems.append(f"{persona} {method.upper()} {url}: changed {changed} ({status})")
                baseline = after
    assert not problems, "\n".join(problems)
