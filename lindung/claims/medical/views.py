"""The hospital bill check of a JKK claim (CLM-7) and the medicine price list import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lindung.core import access
from lindung.core.permissions import admin_required, staff_required

from .. import selectors
from ..claim import Claim, ClaimProgram
from . import services
from .check import check_claim_bill
from .forms import BillLineForm, BillUploadForm, PriceListForm
from .models import BillLine, MedicinePrice


def _report_messages(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _bill_context(request: HttpRequest, claim: Claim) -> dict[str, object]:
    principal = access.principal_of(request.user)
    return {
        "claim": claim,
        "check": check_claim_bill(claim.pk, claim.event_date),
        "may_edit": claim.status in services.BILL_EDITABLE
        and access.may(principal, BillLine, "add")
        and claim.program == ClaimProgram.WORK_ACCIDENT,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def bill(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    line_form, upload_form = BillLineForm(), BillUploadForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                line_form = BillLineForm(request.POST)
                if line_form.is_valid():
                    services.bill_line_add(actor=request.user, claim=claim, data=line_form.cleaned_data)
                    messages.success(request, _("The line was added."))
                    return redirect("claims:bill", claim_pk=claim.pk)
            elif action == "import":
                upload_form = BillUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    count = services.bill_lines_import(
                        actor=request.user, claim=claim, upload=upload_form.cleaned_data["file"]
                    )
                    messages.success(request, _("%(n)s lines were added.") % {"n": count})
                    return redirect("claims:bill", claim_pk=claim.pk)
            elif action == "delete":
                services.bill_line_delete(
                    actor=request.user, claim=claim, line_pk=int(request.POST.get("line", 0) or 0)
                )
                messages.success(request, _("The line was removed."))
                return redirect("claims:bill", claim_pk=claim.pk)
        except (ValidationError, PermissionDenied, ValueError) as error:
            _report_messages(request, error if not isinstance(error, ValueError) else ValidationError(str(error)))
    context = {**_bill_context(request, claim), "line_form": line_form, "upload_form": upload_form}
    return render(request, "claims/medical/bill.html", context, status=400 if request.method == "POST" else 200)


@staff_required
@require_GET
def bill_pdf(request: HttpRequest, claim_pk: int) -> HttpResponse:
    """The printable difference report, in Indonesian like the voucher."""
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    context = {**_bill_context(request, claim), "printed_at": timezone.localtime()}
    with translation.override("id"):
        html = render_to_string("claims/medical/bill_pdf.html", context)
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bill-check-{claim.pk}.pdf"'
    return response


@admin_required
@require_http_methods(["GET", "POST"])
def medicine_prices(request: HttpRequest) -> HttpResponse:
    form = PriceListForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.price_list_import(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    valid_from=form.cleaned_data["valid_from"],
                    source=form.cleaned_data["source"],
                )
            except (ValidationError, PermissionDenied) as error:
                _report_messages(request, error)
                status = 400
            else:
                messages.success(request, _("%(n)s prices were imported.") % {"n": count})
                return redirect("claims:medicine_prices")
        else:
            status = 400
    q = request.GET.get("q", "").strip()[:100]
    prices = access.scope(access.principal_of(request.user), MedicinePrice.objects.all(), "view")
    if q:
        prices = prices.filter(Q(code__iexact=q) | Q(name__icontains=q))
    page = Paginator(prices.order_by("code", "-valid_from"), 50).get_page(request.GET.get("page"))
    return render(request, "claims/medical/prices.html", {"form": form, "page": page, "q": q}, status=status)
