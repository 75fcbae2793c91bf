from django.contrib import admin
from django.urls import include, path

from cadre import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("personnel.urls")),
    path("", include("imports.urls")),
    path("api/v1/", include("personnel.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("", include("alerts.urls")),
    path("admin/", admin.site.urls),
]
