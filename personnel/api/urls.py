"""The registry's API routes. cadre/api_urls.py mounts them at /api/v1/ in
the "api" namespace with every other app's. Router basenames are the
lower-case model names (the URL walker finds its sample objects by them);
nested sub-record routes take the cadre as ``cadre_pk`` and the record as
``pk``."""

from typing import Any

from django.urls import URLPattern, path

from personnel.api.views import bench
from personnel.api.views.auth import TokenObtainView
from personnel.api.views.cadres import CadreViewSet
from personnel.api.views.change_requests import ChangeRequestViewSet
from personnel.api.views.codes import CodeViewSet
from personnel.api.views.subrecords import SUBRECORD_VIEWSETS
from personnel.api.views.units import UnitViewSet
from personnel.subrecords import KINDS as SUBRECORD_KINDS

CADRE = r"cadres/(?P<cadre_pk>[0-9]+)"

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple[str, Any, str]] = [
    ("cadres", CadreViewSet, "cadre"),
    # One nested route per declared kind of sub-record (personnel.subrecords).
    *((f"{CADRE}/{kind.api_path}", SUBRECORD_VIEWSETS[kind.slug], kind.basename) for kind in SUBRECORD_KINDS),
    ("units", UnitViewSet, "unit"),
    ("codes", CodeViewSet, "code"),
    ("change-requests", ChangeRequestViewSet, "changerequest"),
]

urlpatterns: list[URLPattern] = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("bench/plain-cadres/", bench.plain_cadre_page, name="bench-plain-cadres"),
]
