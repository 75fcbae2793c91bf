"""Browser routes of roster imports and exports."""

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/template.xlsx", views.template_download, name="template"),
    path("imports/<int:job_id>/", views.import_detail, name="import-detail"),
    path("imports/<int:job_id>/status.json", views.import_status, name="import-status"),
    path("imports/<int:job_id>/commit", views.import_commit, name="import-commit"),
    path("imports/<int:job_id>/cancel", views.import_cancel, name="import-cancel"),
    path("imports/<int:job_id>/marked.xlsx", views.import_marked, name="import-marked"),
    path("cadres/roster.xlsx", views.roster_export, name="roster-export"),
    path("exports/<int:export_id>/", views.export_detail, name="export-detail"),
    path("exports/<int:export_id>/status.json", views.export_status, name="export-status"),
    path("exports/<int:export_id>/download", views.export_download, name="export-download"),
]
