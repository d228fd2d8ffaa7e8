from django.urls import path

from lindung.billing.arrears import views as arrears_views

# Bill runs live here too: they are the other half of the monthly collection routine.
# The arrears page itself ("", billing:arrears) is served by reports and added to the
# billing routes by config/urls.py: it reads the tallies, which sit above billing.
urlpatterns = [
    path("letters/", arrears_views.arrears_letters, name="arrears_letters"),
    path("bill-runs/", arrears_views.bill_run, name="bill_run"),
    path("bill-runs/<int:pk>/", arrears_views.bill_run_detail, name="bill_run_detail"),
]
