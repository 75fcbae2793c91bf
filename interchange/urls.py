"""Browser routes of the national form, mounted in the "personnel" namespace
by cadre/urls.py (they are pages of the registry's cadres)."""

from django.urls import URLPattern, path

from interchange import views

urlpatterns: list[URLPattern] = [
    path("cadres/<int:cadre_id>/form/", views.cadre_form, name="cadre-form"),
    path("cadres/<int:cadre_id>/form.docx", views.cadre_form_docx, name="cadre-form-docx"),
    path("cadres/<int:cadre_id>/lrmx", views.cadre_lrmx, name="cadre-lrmx"),
    path("cadres/forms/", views.batch_form, name="batch-form"),
    path("cadres/forms.docx", views.batch_form_docx, name="batch-form-docx"),
    path("cadres/lrmx.zip", views.batch_lrmx, name="batch-lrmx"),
]
