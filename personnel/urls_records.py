"""A cadre's own pages (record sheet, photo, editing) and the change-request
pages (信息变更审核)."""

from django.urls import URLPattern, path

from personnel.forms import SUBRECORD_KINDS
from personnel.views import changes, records

urlpatterns: list[URLPattern] = [
    path("cadres/<int:cadre_id>/", records.cadre_detail, name="cadre-detail"),
    path("cadres/<int:cadre_id>/photo", records.cadre_photo, name="cadre-photo"),
    path("cadres/<int:cadre_id>/edit/", records.cadre_edit, name="cadre-edit"),
    # One named route per kind of sub-record (cadre-edit-education, …).
    *(
        path(
            f"cadres/<int:cadre_id>/edit/{slug}/",
            records.cadre_subrecords_edit,
            {"kind": slug},
            name=f"cadre-edit-{slug}",
        )
        for slug in SUBRECORD_KINDS
    ),
    path("changes/", changes.change_list, name="change-list"),
    path("changes/<int:request_id>/", changes.change_detail, name="change-detail"),
    path("changes/<int:request_id>/approve/", changes.change_approve, name="change-approve"),
    path("changes/<int:request_id>/reject/", changes.change_reject, name="change-reject"),
    path("changes/<int:request_id>/withdraw/", changes.change_withdraw, name="change-withdraw"),
]
