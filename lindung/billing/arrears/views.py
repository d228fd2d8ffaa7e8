"""Contribution notice letters for the arrears page's selection, and bill runs (CON-5,
CON-2 operations). The arrears page itself is served by reports (reports/arrears_views.py):
it reads the tallies, which sit above billing."""

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import User
from lindung.billing.arrears.filters import ArrearsFilterForm
from lindung.billing.arrears.letters import LETTERS_SYNC_MAX, letter_groups, letters_count, letters_file
from lindung.billing.bills.jobs import BILL_RUN_KIND, LETTERS_KIND
from lindung.billing.bills.services import bills_missing_count
from lindung.core.permissions import admin_required, staff_required
from lindung.core.scoping import get_scoped_or_404
from lindung.jobs.models import Job
from lindung.jobs.services import job_enqueue


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
def arrears_letters(request: HttpRequest) -> HttpResponseBase:
    """Letters for the arrears page's current filter and search: a coordinator only ever
    gets their own late payers (the selection is scoped); an admin narrows to one
    coordinator with the coordinator filter, or gets a ZIP with one PDF per coordinator."""
    user = _user(request)
    today = timezone.localdate()
    filter_form = ArrearsFilterForm(request.GET or None, user=user)
    q = (request.GET.get("q") or "").strip()[:100]
    groups = letter_groups(user, filter_form.filters(), q, today)
    count = letters_count(groups)
    if not count:
        messages.info(request, _("No late payer matches the filters: there is no letter to print."))
        return redirect(f"{reverse('billing:arrears')}?{request.GET.urlencode()}")
    if count > LETTERS_SYNC_MAX:
        job = job_enqueue(
            actor=user,
            kind=LETTERS_KIND,
            params={
                "query": {k: v for k, v in request.GET.items() if k not in ("page", "per_page", "sort")},
                "on": today.isoformat(),
                "language": translation.get_language(),
            },
        )
        messages.info(
            request,
            _("%(count)s letters are being prepared. Download them here when they are done.") % {"count": count},
        )
        return redirect("jobs:detail", pk=job.pk)
    result = letters_file(groups, today)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    # Names, addresses and debts: no shared cache, no copy in the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


class BillRunForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Contribution month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


def _month_from(raw: str | None) -> datetime.date:
    try:
        return datetime.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@admin_required
def bill_run(request: HttpRequest) -> HttpResponse:
    """Generate a month's bills (the monthly schedule does the same on the 1st)."""
    user = _user(request)
    if request.method == "POST":
        form = BillRunForm(request.POST)
        if form.is_valid():
            month = form.cleaned_data["month"].replace(day=1)
            job = job_enqueue(actor=user, kind=BILL_RUN_KIND, params={"month": f"{month:%Y-%m}"})
            messages.success(request, _("The bill run for %(month)s has started.") % {"month": f"{month:%m/%Y}"})
            return redirect("billing:bill_run_detail", pk=job.pk)
        month = timezone.localdate().replace(day=1)
    else:
        month = _month_from(request.GET.get("month"))
        form = BillRunForm(initial={"month": month})
    context = {
        "form": form,
        "month": month,
        "missing": bills_missing_count(month),
        "recent": Job.objects.filter(kind=BILL_RUN_KIND).select_related("created_by")[:10],
    }
    return render(request, "billing/bill_run.html", context)


@admin_required
def bill_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_scoped_or_404(request.user, Job.objects.filter(kind=BILL_RUN_KIND), pk=pk)
    template = "billing/bill_run_progress.html" if request.headers.get("HX-Request") else "billing/bill_run_detail.html"
    return render(request, template, {"job": job})
