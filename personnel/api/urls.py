"""The REST API, mounted at /api/v1/. Router basenames are the lower-case
model names (the URL walker finds its sample objects by them); nested
sub-record routes take the cadre as ``cadre_pk`` and the record as ``pk``.

The interactive docs are Swagger UI with drf-spectacular-sidecar's vendored
assets. drf-spectacular's Redoc page is not served: its template loads web
fonts from Google, which an intranet without internet cannot reach."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from imports.api import ExportJobViewSet, ImportJobViewSet
from interchange import api_urls as interchange_api_urls
from personnel.api.views import bench
from personnel.api.views.auth import TokenObtainView
from personnel.api.views.cadres import CadreViewSet
from personnel.api.views.change_requests import ChangeRequestViewSet
from personnel.api.views.codes import CodeViewSet
from personnel.api.views.subrecords import (
    AppraisalViewSet,
    EducationViewSet,
    FamilyMemberViewSet,
    PostHeldViewSet,
    ResumeEntryViewSet,
    RewardPunishmentViewSet,
)
from personnel.api.views.units import UnitViewSet

app_name = "api"

CADRE = r"cadres/(?P<cadre_pk>[0-9]+)"

router = SimpleRouter()
router.register("cadres", CadreViewSet, basename="cadre")
router.register(f"{CADRE}/educations", EducationViewSet, basename="education")
router.register(f"{CADRE}/resume-entries", ResumeEntryViewSet, basename="resumeentry")
router.register(f"{CADRE}/posts", PostHeldViewSet, basename="postheld")
router.register(f"{CADRE}/family-members", FamilyMemberViewSet, basename="familymember")
router.register(f"{CADRE}/rewards-punishments", RewardPunishmentViewSet, basename="rewardpunishment")
router.register(f"{CADRE}/appraisals", AppraisalViewSet, basename="appraisal")
router.register("units", UnitViewSet, basename="unit")
router.register("codes", CodeViewSet, basename="code")
router.register("change-requests", ChangeRequestViewSet, basename="changerequest")
router.register("imports", ImportJobViewSet, basename="importjob")
router.register("exports", ExportJobViewSet, basename="exportjob")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("bench/plain-cadres/", bench.plain_cadre_page, name="bench-plain-cadres"),
    *interchange_api_urls.urlpatterns,
    *router.urls,
]
