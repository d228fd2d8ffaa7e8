from django.urls import path

from . import arrears_views

# Bill runs live here too: they are the other half of the monthly collection routine.
urlpatterns = [
    path("", arrears_views.arrears_list, name="arrears"),
    path("letters/", arrears_views.arrears_letters, name="arrears_letters"),
    path("bill-runs/", arrears_views.bill_run, name="bill_run"),
    path("bill-runs/<int:pk>/", arrears_views.bill_run_detail, name="bill_run_detail"),
]
