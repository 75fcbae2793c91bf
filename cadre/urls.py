"""Every route of the product, composed here and only here: no app mounts
another's."""

from django.contrib import admin
from django.urls import include, path

from cadre import views
from interchange import urls as interchange_urls
from personnel import urls as personnel_urls

# The national form's pages are pages of the registry's cadres: they share
# the "personnel" namespace (personnel:cadre-form beside personnel:cadre-detail).
registry_pages = ([*personnel_urls.urlpatterns, *interchange_urls.urlpatterns], "personnel")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include(registry_pages)),
    path("", include("imports.urls")),
    path("api/v1/", include("cadre.api_urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("", include("alerts.urls")),
    path("admin/", admin.site.urls),
]
