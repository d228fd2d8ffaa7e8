"""Arrears page, contribution notice letters and bill runs (CON-5, CON-2 operations)."""

import datetime
from typing import Any

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
from lindung.core.permissions import admin_required, staff_required
from lindung.core.scoping import get_scoped_or_404
from lindung.core.tables import Column, build_table
from lindung.core.widgets import FastSelect
from lindung.jobs.models import Job
from lindung.jobs.services import job_enqueue
from lindung.participants.forms import ParticipantFilterForm
from lindung.tallies.readers import ageing_from_tallies

from . import arrears
from .arrears_table import arrears_table_day
from .bill_jobs import BILL_RUN_KIND, LETTERS_KIND
from .bills import bills_missing_count
from .letters import letter_groups, letters_count, letters_file

# Up to this many letters the PDF is made during the request: WeasyPrint renders about
# five letters a second on this 2-core machine (200 took 41 s). Beyond, a background job
# makes them, with progress (UI-5).
LETTERS_SYNC_MAX = 30

COLUMNS = [
    Column("name", gettext_lazy("Name"), "participant__full_name"),
    Column("months", gettext_lazy("Months owed"), "months_owed"),
    Column("amount", gettext_lazy("Amount owed"), "amount_owed"),
    # The phone comes right after the amount: it is what a coordinator acts on (UI-4).
    Column("phone", gettext_lazy("Phone"), ""),
    Column("village", gettext_lazy("Village"), ""),
    Column("oldest", gettext_lazy("Oldest month"), "oldest_month"),
    Column("fine", gettext_lazy("Late fine so far"), ""),
    Column("coordinator", gettext_lazy("Coordinator"), ""),
]
BUCKET_LABELS = {
    "1": gettext_lazy("1 month"),
    "2": gettext_lazy("2 months"),
    "3": gettext_lazy("3 months"),
    "4-6": gettext_lazy("4–6 months"),
    "7+": gettext_lazy("over 6 months"),
}


class ArrearsFilterForm(ParticipantFilterForm):
    """The participant list's filters, plus the ageing bucket."""

    bucket = forms.ChoiceField(
        label=gettext_lazy("Months owed"),
        choices=[("", gettext_lazy("All")), *BUCKET_LABELS.items()],
        required=False,
        widget=FastSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["possible_duplicate"]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
def arrears_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    # The pre-grouped table's day: today once the nightly recount has run. Before that
    # the page shows the previous day's figures (with today's payments) and says so,
    # since grouping a national ledger live takes seconds (arrears_table.py).
    table_day = arrears_table_day()
    day = table_day or today
    filter_form = ArrearsFilterForm(request.GET or None, user=user)
    filters = filter_form.filters()
    rows = arrears.arrears_by_participant(user, filters, day, table_day=table_day)
    searched = bool((request.GET.get("q") or "").strip())
    known = ageing_from_tallies(user, filters) if table_day is not None and not searched else None
    counted = arrears.SummaryCount(known)
    columns = COLUMNS if user.is_admin else [c for c in COLUMNS if c.key != "coordinator"]
    table = build_table(
        request,
        rows,
        columns=columns,
        default_sort="-amount",
        search=arrears.arrears_search,
        filters=filters,
        tiebreak="participant_id",
        count=counted,
    )
    summary = counted.summary
    assert summary is not None  # build_table counts every time
    context = {
        "table": table,
        "filter_form": filter_form,
        "rows": arrears.arrears_rows(table.page.object_list, day),
        "summary": [(BUCKET_LABELS[key], key, figures) for key, figures in summary.items()],
        "summary_total": {
            "participants": sum(f["participants"] for f in summary.values()),
            "amount": sum(f["amount"] for f in summary.values()),
        },
        "today": day,
        "behind": day != today,
        "letters_sync_max": LETTERS_SYNC_MAX,
    }
    return render(request, "billing/arrears_list.html", context)


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
