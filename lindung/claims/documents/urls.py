"""The documents pages, in the claims namespace (claims/urls.py adds them)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<int:claim_pk>/documents/", views.documents, name="documents"),
    path("<int:claim_pk>/documents/<int:document_pk>/", views.download, name="document_download"),
    path("<int:claim_pk>/documents/<int:document_pk>/review/", views.review, name="document_review"),
    path("<int:claim_pk>/documents/<int:document_pk>/correct/", views.transcribe, name="document_correct"),
    path("<int:claim_pk>/mismatches/override/", views.override, name="mismatch_override"),
]
