from django.urls import path

from . import views
from .campaigns.urls import urlpatterns as campaign_urls
from .devsim import views as devsim_views
from .effect import views as effect_views
from .inbox import sms_webhook
from .inbox import views as inbox_views

app_name = "messaging"
urlpatterns = [
    path("dev-outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev-outbox/<int:dev_pk>/status/", devsim_views.simulate_status, name="dev_simulate_status"),
    path("dev-outbox/reply/", devsim_views.simulate_reply, name="dev_simulate_reply"),
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="whatsapp_webhook"),
    path("webhooks/sms/", sms_webhook.sms_inbound, name="sms_webhook"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:inbound_pk>/", inbox_views.conversation, name="inbox_conversation"),
    path("inbox/<int:inbound_pk>/reply/", inbox_views.reply, name="inbox_reply"),
    path("inbox/<int:inbound_pk>/assign/", inbox_views.assign, name="inbox_assign"),
    path("inbox/<int:inbound_pk>/move/", inbox_views.move, name="inbox_move"),
    path("effect/", effect_views.effect, name="effect"),
    *campaign_urls,
]
