from django.urls import path

from lindung.billing.payments import views as views

urlpatterns = [
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/receipt/", views.payment_receipt, name="payment_receipt"),
    path("payments/<int:pk>/reverse/", views.payment_reverse_view, name="payment_reverse"),
    path("participants/<int:participant_pk>/pay/", views.payment_create, name="payment_create"),
    path("methods/", views.method_list, name="method_list"),
    path("methods/new/", views.method_edit, name="method_create"),
    path("methods/<int:pk>/edit/", views.method_edit, name="method_update"),
    path("methods/<int:pk>/toggle/", views.method_toggle, name="method_toggle"),
    path("methods/<int:pk>/delete/", views.method_delete, name="method_delete"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_edit, name="account_create"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_update"),
    path("accounts/<int:pk>/toggle/", views.account_toggle, name="account_toggle"),
    path("deposits/", views.deposit_list, name="deposit_list"),
    path("deposits/new/", views.deposit_create, name="deposit_create"),
    path("deposits/<int:pk>/", views.deposit_detail, name="deposit_detail"),
    path("deposits/<int:pk>/cancel/", views.deposit_cancel_view, name="deposit_cancel"),
    path("collections/", views.collections, name="collections"),
]
