from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_create, name="create"),
    path("reassign/", views.participants_reassign_view, name="reassign"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/edit/", views.participant_edit, name="edit"),
    path("<int:pk>/delete/", views.participant_delete_view, name="delete"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:doc_pk>/delete/", views.document_delete_view, name="document_delete"),
    path("<int:pk>/family/", views.family_member_add_view, name="family_add"),
    path("<int:pk>/family/<int:member_pk>/delete/", views.family_member_delete_view, name="family_delete"),
]

from . import field_views, import_template, import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="import_start"),
    path("import/template.xlsx", import_template.import_template, name="import_template"),
    path("import/payments/", import_views.import_start, {"kind": "payments"}, name="payments_import_start"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    # Field mode (offline registration): field_views.py says how the pieces fit.
    path("field/sw.js", field_views.service_worker, name="field_sw"),
    path("field/manifest.webmanifest", field_views.manifest, name="field_manifest"),
    path("field/token/", field_views.csrf_token, name="field_token"),
    path("field/submit/", field_views.submit, name="field_submit"),
]
