from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<int:claim_pk>/bill/", views.bill, name="bill"),
    path("<int:claim_pk>/bill.pdf", views.bill_pdf, name="bill_pdf"),
    path("medicine-prices/", views.medicine_prices, name="medicine_prices"),
]
