from django.urls import URLPattern, path

from . import views

# Mounted at the site root: "cards/" is the staff side, "v/" the short public path the
# QR code carries (short URLs make smaller, easier-to-scan codes).
app_name = "cards"
urlpatterns: list[URLPattern] = [
    path("cards/<int:participant_pk>/", views.card_page, name="card"),
    path("cards/<int:participant_pk>/card.pdf", views.card_pdf, name="pdf"),
    path("cards/<int:participant_pk>/reissue/", views.card_reissue, name="reissue"),
    path("v/<str:token>/", views.verify, name="verify"),
]
