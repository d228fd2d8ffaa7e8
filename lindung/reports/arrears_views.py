"""The arrears page (CON-5): late payers with their ageing summary. Served by reports
because it reads the tallies (which sit above billing); routed as billing:arrears by
config/urls.py so its address and name stay those of the billing pages around it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lindung.accounts.models import User
from lindung.billing.arrears import selectors as arrears
from lindung.billing.arrears.filters import BUCKET_LABELS, ArrearsFilterForm
from lindung.billing.arrears.letters import LETTERS_SYNC_MAX
from lindung.billing.arrears.table import arrears_table_day
from lindung.core.permissions import staff_required
from lindung.core.tables import Column, build_table
from lindung.operations.replica import reading_from_replica
from lindung.tallies.readers import ageing_from_tallies

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


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
@reading_from_replica()
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
    return render(request, "reports/arrears_list.html", context)
