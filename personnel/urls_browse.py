"""Browser routes of the cadre list, its export and the units (namespace
"personnel", composed by personnel/urls.py)."""

from django.urls import URLPattern, path

from personnel.views import browse, units

urlpatterns: list[URLPattern] = [
    path("cadres/", browse.cadre_list, name="cadre-list"),
    path("cadres/export.xlsx", browse.cadre_export, name="cadre-export"),
    path("units/", units.unit_tree, name="unit-tree"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit-detail"),
]
