"""The participant's own record over REST, under /api/me/ (included by lindung/api)."""

from django.urls import path

from . import api

app_name = "me"
urlpatterns = [
    path("code/", api.CodeRequestView.as_view(), name="code"),
    path("token/", api.TokenView.as_view(), name="token"),
    path("", api.MeView.as_view(), name="record"),
    path("bills/", api.BillsView.as_view(), name="bills"),
    path("payments/", api.PaymentsView.as_view(), name="payments"),
    path("claims/", api.ClaimsView.as_view(), name="claims"),
    path("messages/", api.MessagesView.as_view(), name="messages"),
    path("corrections/", api.CorrectionsView.as_view(), name="corrections"),
    path("card/", api.CardView.as_view(), name="card"),
]
