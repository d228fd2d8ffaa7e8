from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("dev-outbox/", views.dev_outbox, name="dev_outbox"),
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="whatsapp_webhook"),
]
