"""One person reads the same everywhere (issue 10): for a few hundred demo
cadres, the cadre page, the printed form, its .docx, the LRMX file, the list
export and the roster export show the same highest education (full-time and
in-service), 入党时间, birth date and age, current post and its date.

Each output is parsed as a reader would (lxml.html, python-docx, openpyxl,
the LRMX reader) and compared with the cadre page, field by field; every
output except the page is produced by its batch route. The county is
generated once for the module and removed afterwards."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import lxml.html
import pgtrigger
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from interchange.lrmx import cells_of
from interchange.texts import parse_party_cell
from personnel import facts
from personnel.demo import demo_data_generate, demo_data_reset, demo_roots
from personnel.models import Cadre, Code, CodeTable, Education
from tests.factories import make_jurisdiction, make_user

pytestmark = pytest.mark.django_db

SIZE = 200
SEED = 7
# python-docx takes about a tenth of a second a cadre: the .docx is compared for every fifth.
DOCX_EVERY = 5
# The fields compared, and which outputs carry them.
FIELDS = ("birth", "age", "party", "full_time", "in_service", "current_post", "current_post_date")


@pytest.fixture(scope="module")
def county(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        before = _history_marks()
        sessions = set(Session.objects.values_list("pk", flat=True))
        demo_data_generate(size=SIZE, seed=SEED)
        root = demo_roots().get()
        special = _add_the_cases_that_used_to_disagree(
            Cadre.objects.filter(unit__path__startswith=root.path).order_by("id")
        )
        jurisdiction = make_jurisdiction("演示", root)
        officer = make_user("one_truth_officer", Role.ORG_STAFF, jurisdiction=jurisdiction)
        cadres = list(Cadre.objects.filter(unit__path__startswith=root.path).order_by("unit__path", "id"))
        try:
            yield {"officer": officer, "cadres": cadres, "special": special}
        finally:
            # Committed for the module, so removed by hand, with the history
            # rows written meanwhile (append-only tables: triggers ignored).
            with transaction.atomic(), pgtrigger.ignore():
                officer.delete()
                jurisdiction.delete()
                demo_data_reset()
                for model, mark in before.items():
                    model._default_manager.filter(pgh_id__gt=mark).delete()
                Session.objects.exclude(pk__in=sessions).delete()


def _history_marks() -> dict[Any, int]:
    """The newest row of every history (pghistory event) table."""
    marks = {}
    tables = set(connection.introspection.table_names())  # not the pghistory_events view
    for model in apps.get_models():
        if model._meta.db_table in tables and any(f.name == "pgh_id" for f in model._meta.concrete_fields):
            marks[model] = model._default_manager.aggregate(mark=Max("pgh_id"))["mark"] or 0
    return marks


def _add_the_cases_that_used_to_disagree(cadres: Any) -> list[int]:
    """Records on which the old definitions differed (issue 10): a democratic
    party member with a join date (the page showed only the date); in-service
    entries with no flag, the higher one first (the form took the last one,
    the list the higher); a flagged entry below an unflagged one (the list
    ignored the flag); a 学历 whose 学位 is a degree-only entry (the page
    showed no degree)."""
    code = {
        (c.table, c.code): c
        for c in Code.objects.filter(table__in=[CodeTable.POLITICAL, CodeTable.EDUCATION, CodeTable.DEGREE])
    }
    first, second, third, fourth = cadres[:4]
    Cadre.objects.filter(pk=first.pk).update(
        political_status=code[(CodeTable.POLITICAL, "05")], party_join_date=datetime.date(1998, 6, 1)
    )
    Education.objects.filter(cadre=second, kind=facts.IN_SERVICE).delete()
    for order, (level, degree) in enumerate((("11", "403"), ("21", None))):
        Education.objects.create(
            cadre=second, kind=facts.IN_SERVICE, education=code[(CodeTable.EDUCATION, level)],
            degree=code[(CodeTable.DEGREE, degree)] if degree else None, school=f"第{order}校", sort_order=order,
        )  # fmt: skip
    Education.objects.filter(cadre=third).delete()
    Education.objects.create(
        cadre=third, kind=facts.FULL_TIME, education=code[(CodeTable.EDUCATION, "31")], is_highest=True, sort_order=0
    )
    Education.objects.create(
        cadre=third, kind=facts.FULL_TIME, education=code[(CodeTable.EDUCATION, "21")], sort_order=1
    )
    Education.objects.filter(cadre=fourth, kind=facts.FULL_TIME).delete()
    Education.objects.create(
        cadre=fourth, kind=facts.FULL_TIME, education=code[(CodeTable.EDUCATION, "21")], school="某大学", sort_order=0
    )
    Education.objects.create(
        cadre=fourth, kind=facts.FULL_TIME, degree=code[(CodeTable.DEGREE, "403")], school="另一大学", sort_order=1
    )
    return [first.pk, second.pk, third.pk, fourth.pk]


@pytest.fixture
def officer(county: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(county["officer"])
    return client


@pytest.fixture(scope="module")
def page_values(county: dict[str, Any], django_db_blocker: Any) -> dict[str, dict[str, str]]:
    """What the cadre page shows of each cadre, by ID number."""
    client = Client()
    # Module-scoped: the function-scoped static-storage fixture of conftest does not apply yet.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with django_db_blocker.unblock(), override_settings(STORAGES=plain):
        client.force_login(county["officer"])
        values = {}
        for cadre in county["cadres"]:
            response = client.get(reverse("personnel:cadre-detail", args=[cadre.pk]))
            assert response.status_code == 200
            page = lxml.html.fromstring(response.content)
            birth, age = _birth_and_age(_field(page, "birth_date"))
            since = page.xpath('.//*[@data-fact="current-post-date"]')
            values[cadre.id_number] = {
                "birth": birth,
                "age": age,
                "party": _field(page, "party_join_date"),
                "full_time": _field(page, "education-1"),
                "in_service": _field(page, "education-2"),
                "current_post": _field(page, "current_post"),
                "current_post_date": since[0].text_content().strip() if since else "",
            }
    return values


def _lines(element: Any) -> list[str]:
    """The text lines of an element: <br> and newlines both break a line."""
    return [line.strip() for piece in element.itertext() for line in piece.split("\n") if line.strip()]


def _field(page: Any, name: str) -> str:
    (element,) = page.xpath(f'.//td[@data-field="{name}"]')
    return " ".join(_lines(element))


def _birth_and_age(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"(\d{4}\.\d{2})\s*（(\d+)岁）", text.strip())
    assert match, text
    return match.group(1), match.group(2)


def _month(text: Any) -> str:
    """A date cell at year-month precision (the roster keeps a known day)."""
    return str(text or "")[:7]


def _ids(county: dict[str, Any]) -> str:
    return ",".join(str(c.pk) for c in county["cadres"])


def _same(expected: dict[str, dict[str, str]], shown: dict[str, dict[str, str]], fields: tuple[str, ...]) -> None:
    assert set(shown) == set(expected)
    differences = [
        (number, name, expected[number][name], shown[number][name])
        for number in expected
        for name in fields
        if shown[number][name] != expected[number][name]
    ]
    assert differences == []


def test_the_county_has_what_the_comparison_needs(county, page_values):
    """Enough variety that the comparison means something."""
    assert len(county["cadres"]) >= 180
    values = list(page_values.values())
    assert sum(1 for v in values if v["in_service"]) >= 20
    assert sum(1 for v in values if v["full_time"]) >= 200
    assert sum(1 for v in values if v["party"] and not v["party"][0].isdigit()) >= 1  # a democratic party
    assert all(v["current_post"] for v in values)


def test_the_page_agrees_with_the_definitions(county, page_values):
    today = timezone.localdate()
    educations = facts.educations_for([c.pk for c in county["cadres"]])
    for cadre in county["cadres"]:
        shown = page_values[cadre.id_number]
        assert shown["age"] == str(facts.age_at(cadre.birth_date, today))
        assert shown["birth"] == facts.year_month(cadre.birth_date)
        full_time = educations.get(cadre.pk, {}).get(facts.FULL_TIME)
        assert shown["full_time"] == (full_time.text if full_time else "")


def test_the_printed_form_shows_what_the_page_shows(county, officer, page_values):
    response = officer.get(reverse("personnel:batch-form"), {"ids": _ids(county)})
    assert response.status_code == 200
    forms = lxml.html.fromstring(response.content).xpath('//article[contains(@class, "form-doc")]')
    shown = {}
    for cadre, form in zip(county["cadres"], forms, strict=True):
        birth, age = _birth_and_age(_field(form, "birth_date"))
        shown[cadre.id_number] = {
            "birth": birth,
            "age": age,
            "party": _field(form, "party"),
            "full_time": _field(form, "full_time"),
            "in_service": _field(form, "in_service"),
            "current_post": _field(form, "current_post"),
        }
    _same(page_values, shown, ("birth", "age", "party", "full_time", "in_service", "current_post"))


def test_the_docx_shows_what_the_page_shows(county, officer, page_values):
    sample = [c for i, c in enumerate(county["cadres"]) if i % DOCX_EVERY == 0 or c.pk in county["special"]]
    response = officer.get(reverse("personnel:batch-form-docx"), {"ids": ",".join(str(c.pk) for c in sample)})
    assert response.status_code == 200
    tables = docx.Document(io.BytesIO(response.content)).tables
    # Two tables a cadre: the first page's grid, then the second page's.
    grids = tables[::2]
    shown = {}
    for cadre, grid in zip(sample, grids, strict=True):

        def text(row: int, column: int, grid: Any = grid) -> str:
            return " ".join(line.strip() for line in grid.cell(row, column).text.split("\n") if line.strip())

        birth, age = _birth_and_age(text(0, 5))
        shown[cadre.id_number] = {
            "birth": birth,
            "age": age,
            "party": text(2, 1),
            "full_time": text(4, 2),
            "in_service": text(5, 2),
            "current_post": text(6, 2),
        }
    expected = {c.id_number: page_values[c.id_number] for c in sample}
    _same(expected, shown, ("birth", "age", "party", "full_time", "in_service", "current_post"))


def test_the_lrmx_files_say_what_the_page_shows(county, officer, page_values):
    response = officer.get(reverse("personnel:batch-lrmx"), {"ids": _ids(county)})
    assert response.status_code == 200
    shown = {}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        for name in archive.namelist():
            cells = cells_of(archive.read(name))
            party = parse_party_cell(cells["RuDangShiJian"])
            assert not party.error
            born = cells["ChuShengNianYue"]
            shown[cells["ShenFenZheng"]] = {
                "birth": f"{born[:4]}.{born[4:6]}",
                "party": facts.PartyJoin(party.date.value if party.date else None, party.party_name).text(),
                "full_time": " ".join(
                    p for p in (cells["QuanRiZhiJiaoYu_XueLi"], cells["QuanRiZhiJiaoYu_XueWei"]) if p
                ),
                "in_service": " ".join(p for p in (cells["ZaiZhiJiaoYu_XueLi"], cells["ZaiZhiJiaoYu_XueWei"]) if p),
                "current_post": cells["XianRenZhiWu"],
            }
    _same(page_values, shown, ("birth", "party", "full_time", "in_service", "current_post"))


def test_the_list_export_shows_what_the_page_shows(county, officer, page_values):
    cols = "name,birth,age,party,ft_education,is_education,current_post,current_post_date,id_number"
    response = officer.get(reverse("personnel:cadre-export"), {"status": "", "cols": cols})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    header = {label: index for index, label in enumerate(rows[0])}

    def cell(row: tuple[Any, ...], label: str) -> str:
        value = row[header[label]]
        return "" if value is None else str(value)

    shown = {
        cell(row, "公民身份号码"): {
            "birth": cell(row, "出生年月"),
            "age": cell(row, "年龄"),
            "party": cell(row, "入党时间"),
            "full_time": cell(row, "全日制学历学位"),
            "in_service": cell(row, "在职学历学位"),
            "current_post": cell(row, "现任职务"),
            "current_post_date": cell(row, "任现职时间"),
        }
        for row in rows[1:]
    }
    _same(page_values, shown, FIELDS)


def test_the_roster_export_shows_what_the_page_shows(county, officer, page_values):
    response = officer.get(reverse("imports:roster-export"), {"status": ""})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True)["花名册"].iter_rows(values_only=True))
    header = {label: index for index, label in enumerate(rows[0])}
    parties = {name: code for code, name in Code.objects.filter(table=CodeTable.POLITICAL).values_list("code", "name")}

    def cell(row: tuple[Any, ...], label: str) -> str:
        value = row[header[label]]
        return "" if value is None else str(value)

    def both(row: tuple[Any, ...], education: str, degree: str) -> str:
        return " ".join(p for p in (cell(row, education), cell(row, degree)) if p)

    shown = {}
    for row in rows[1:]:
        joined = cell(row, "入党时间")
        status = cell(row, "政治面貌")
        date = datetime.date(int(joined[:4]), int(joined[5:7]), 1) if joined else None
        shown[cell(row, "公民身份号码")] = {
            "birth": _month(cell(row, "出生年月")),
            "party": facts.party_join(join_date=date, status_code=parties.get(status), status_name=status).text(),
            "full_time": both(row, "全日制学历", "全日制学位"),
            "in_service": both(row, "在职学历", "在职学位"),
            "current_post": cell(row, "现任职务"),
            "current_post_date": _month(cell(row, "任现职时间")),
        }
    _same(page_values, shown, ("birth", "party", "full_time", "in_service", "current_post", "current_post_date"))
