from django.urls import path

from . import views
from .campaigns.urls import urlpatterns as campaign_urls

app_name = "messaging"
urlpatterns = [
    path("dev-outbox/", views.dev_outbox, name="dev_outbox"),
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="whatsapp_webhook"),
    *campaign_urls,
]
