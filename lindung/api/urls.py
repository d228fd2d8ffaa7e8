from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from lindung.core.permissions import Door, declare

from .auth import TokenObtainView
from .billing import ParticipantBillsView, PaymentViewSet
from .calculator import CalculatorView
from .claims import ClaimCheckView
from .docs import ApiDocsView
from .messaging import CampaignViewSet, MessageTemplateViewSet, ParticipantMessagesView, SegmentViewSet
from .views import ParticipantViewSet

router = SimpleRouter(use_regex_path=False)
router.register("participants", ParticipantViewSet, basename="participant")
router.register("payments", PaymentViewSet, basename="payment")
router.register("message-templates", MessageTemplateViewSet, basename="message-template")
router.register("segments", SegmentViewSet, basename="segment")
router.register("campaigns", CampaignViewSet, basename="campaign")

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", declare(Door.PUBLIC, SpectacularAPIView.as_view()), name="schema"),
    path("docs/", declare(Door.PUBLIC, ApiDocsView.as_view()), name="docs"),
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    path("calculator/", CalculatorView.as_view(), name="calculator"),
    # The participant's own record (one-time-code sign-in): lindung/selfservice/api.py.
    path("me/", include("lindung.selfservice.api_urls")),
    path("participants/<int:pk>/bills/", ParticipantBillsView.as_view(), name="participant-bills"),
    path("participants/<int:pk>/claim-check/", ClaimCheckView.as_view(), name="participant-claim-check"),
    path("participants/<int:pk>/messages/", ParticipantMessagesView.as_view(), name="participant-messages"),
    *router.urls,
]
