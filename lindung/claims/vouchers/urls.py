from django.urls import URLPattern, path

from . import views

# Included by claims/urls.py without a namespace of its own: the names are claims:...
urlpatterns: list[URLPattern] = [
    path("<int:claim_pk>/voucher.pdf", views.voucher_pdf, name="voucher_pdf"),
    path("voucher/<str:token>/", views.voucher_verify, name="voucher_verify"),
]
