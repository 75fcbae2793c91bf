"""The REST API, mounted at /api/v1/ (namespace "api"): every app's API
routes composed here, so that no app mounts another's.

The interactive docs are Swagger UI with drf-spectacular-sidecar's vendored
assets. drf-spectacular's Redoc page is not served: its template loads web
fonts from Google, which an intranet without internet cannot reach."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from imports.api import ExportJobViewSet, ImportJobViewSet
from interchange import api_urls as interchange_api_urls
from personnel.api import urls as personnel_api_urls

app_name = "api"

router = SimpleRouter()
for prefix, viewset, basename in personnel_api_urls.ROUTES:
    router.register(prefix, viewset, basename=basename)
router.register("imports", ImportJobViewSet, basename="importjob")
router.register("exports", ExportJobViewSet, basename="exportjob")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *personnel_api_urls.urlpatterns,
    *interchange_api_urls.urlpatterns,
    *router.urls,
]
