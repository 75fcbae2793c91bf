"""The alerts API, mounted at /api/v1/ beside the registry's (namespace
"alerts-api")."""

from rest_framework.routers import SimpleRouter

from alerts.api.views import AlertViewSet

app_name = "alerts-api"

router = SimpleRouter()
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = router.urls
