"""Browser routes of the alert centre (namespace "alerts")."""

from django.urls import URLPattern, path

from alerts import views

app_name = "alerts"

urlpatterns: list[URLPattern] = [
    path("alerts/", views.alert_center, name="center"),
    path("alerts/export.xlsx", views.alert_export, name="export"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/assign/", views.alert_assign, name="assign"),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="resolve"),
    path("alerts/runs/start/", views.run_start, name="run-start"),
    path("alerts/runs/<int:run_id>/", views.run_detail, name="run-detail"),
    path("alerts/runs/<int:run_id>/progress.json", views.run_progress, name="run-progress"),
    path("alerts/policies/", views.policy_list, name="policy-list"),
    path("alerts/policies/<str:key>/", views.policy_edit, name="policy-edit"),
]
