from django.urls import path

from . import own_views, public_views, review_views

app_name = "selfservice"
urlpatterns = [
    # Public (Indonesian addresses: these are the ones printed on leaflets).
    path("daftar/", public_views.register, name="register"),
    path("daftar/terkirim/", public_views.registered, name="registered"),
    path("daftar/cek-nik/", public_views.nik_check, name="nik_check"),
    path("daftar/desa/", public_views.village_options, name="village_options"),
    path("daftar/iuran/", public_views.contribution, name="contribution"),
    path("saya/masuk/", public_views.sign_in, name="sign_in"),
    path("saya/masuk/kode/", public_views.sign_in_code, name="sign_in_code"),
    path("saya/keluar/", public_views.sign_out, name="sign_out"),
    # The participant's own record (participant door).
    path("saya/", own_views.home, name="home"),
    path("saya/tagihan/", own_views.bills, name="bills"),
    path("saya/klaim/", own_views.claims, name="claims"),
    path("saya/pesan/", own_views.messages_received, name="messages"),
    path("saya/kartu/", own_views.card, name="card"),
    path("saya/koreksi/", own_views.corrections_page, name="corrections"),
    # Staff: verification and correction queues.
    path("selfservice/registrations/", review_views.review_queue, name="review_queue"),
    path("selfservice/registrations/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("selfservice/registrations/<int:pk>/photo/", review_views.review_photo, name="review_photo"),
    path("selfservice/registrations/<int:pk>/accept/", review_views.review_accept, name="review_accept"),
    path("selfservice/registrations/<int:pk>/reject/", review_views.review_reject, name="review_reject"),
    path("selfservice/corrections/", review_views.correction_queue, name="correction_queue"),
    path("selfservice/corrections/<int:pk>/", review_views.correction_detail, name="correction_detail"),
    path("selfservice/corrections/<int:pk>/decide/", review_views.correction_decide, name="correction_decide"),
]
