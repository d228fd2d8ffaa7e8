"""Bulk NIK lookup page (REG-4): which of these NIKs are my participants, their status
and their arrears. Thin: billing/lookup/services.py does the work."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.billing.lookup.forms import LookupForm
from lindung.billing.lookup.services import MAX_LOOKUP, LookupRow, TooMany, lookup_niks, niks_from_file, niks_from_text
from lindung.core.permissions import staff_required
from lindung.participants.imports.reading import FileProblem


@staff_required
def participant_lookup(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = LookupForm(request.POST if posted else None, request.FILES if posted else None)
    rows: list[LookupRow] | None = None
    niks: list[str] = []
    if posted and form.is_valid():
        try:
            upload = form.cleaned_data.get("file")
            niks = niks_from_file(upload, upload.name or "") if upload else []
            niks = list(dict.fromkeys([*niks, *niks_from_text(form.cleaned_data.get("niks", ""))]))
            rows = lookup_niks(request.user, niks)
        except (FileProblem, TooMany) as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("download"):
                return _lookup_csv(rows)
    context = {
        "form": form,
        "rows": rows,
        "found": sum(1 for r in rows if r.participant) if rows else 0,
        "niks_text": "\n".join(niks),
        "max_lookup": MAX_LOOKUP,
    }
    return render(request, "billing/lookup.html", context)


def _lookup_csv(rows: list[LookupRow]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("NIK"), _("Found"), _("Name"), _("Status"), _("KPJ"), _("Arrears (Rp)")])
    for row in rows:
        p = row.participant
        writer.writerow(
            [
                row.query,
                _("yes") if p else _("no"),
                p.full_name if p else "",
                p.get_status_display() if p else "",
                (p.membership_number or "") if p else "",
                "" if row.arrears is None else row.arrears,
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="nik-lookup-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
