"""API routes of the national form, mounted in the "api" namespace by
cadre/api_urls.py."""

from django.urls import URLPattern, path

from interchange import api

urlpatterns: list[URLPattern] = [
    path("cadres/<int:cadre_id>/lrmx", api.CadreLrmxView.as_view(), name="cadre-lrmx"),
    path("cadres/<int:cadre_id>/form.docx", api.CadreFormDocxView.as_view(), name="cadre-form-docx"),
    path("cadres/lrmx.zip", api.BatchLrmxView.as_view(), name="batch-lrmx"),
    path("cadres/forms.docx", api.BatchFormDocxView.as_view(), name="batch-form-docx"),
]
