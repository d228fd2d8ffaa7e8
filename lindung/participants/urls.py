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
