"""The archive search and the box labels (CLM-8), staff only and scoped."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.core.permissions import staff_required

from ..paging import BoundedPaginator
from .forms import ArchiveSearchForm
from .labels import label_context, render_label_pdf
from .selectors import ArchiveQuery, archive_search, box_files

PAGE_SIZE = 50


@staff_required
@require_GET
def archive_list(request: HttpRequest) -> HttpResponse:
    form = ArchiveSearchForm(request.GET or None)
    query = form.query() if form.is_bound and form.is_valid() else ArchiveQuery()
    files = archive_search(request.user, query) if not form.is_bound or form.is_valid() else None
    page = BoundedPaginator(files, PAGE_SIZE).get_page(request.GET.get("page")) if files is not None else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "claims/archive/list.html",
        {"form": form, "page": page, "query": query, "params": params.urlencode()},
    )


@staff_required
@require_GET
def box_label(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "").strip()[:40]
    if not box:
        messages.error(request, _("Give the box code to print its label."))
        return redirect("claims:archive")
    files = box_files(request.user, box)
    if not files:
        messages.error(request, _("No archived dossier you can see is in box %(box)s.") % {"box": box})
        return redirect("claims:archive")
    search_url = request.build_absolute_uri(reverse("claims:archive") + "?" + urlencode({"box": box}))
    pdf = render_label_pdf(label_context(box, files, search_url))
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in box)
    response["Content-Disposition"] = f'inline; filename="box-{safe}.pdf"'
    return response
