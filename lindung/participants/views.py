import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import User
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import admin_required, staff_required
from lindung.core.tables import build_table

from . import selectors, services
from .columns import list_columns
from .field_views import page_texts
from .filters import ParticipantFilterForm
from .forms import DocumentUploadForm, FamilyMemberForm, ParticipantForm, ReassignForm
from .history import participant_timeline
from .models import Participant


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _filtered(request: HttpRequest) -> tuple[QuerySet[Participant], ParticipantFilterForm]:
    user = _user(request)
    filter_form = ParticipantFilterForm(request.GET or None, user=user)
    queryset = selectors.participants_filter(selectors.participants_visible_to(user), filter_form.filters())
    return queryset, filter_form


@staff_required
def participant_list(request: HttpRequest) -> HttpResponse:
    queryset, filter_form = _filtered(request)
    user = _user(request)
    columns = list_columns(user)
    # A name fragment the trigram index can find is counted and paged from its matches
    # (PostgreSQL; see selectors.MATCHES_FIRST_BELOW): the name index walk would filter
    # most of the table when the matches sort late. A name that begins more than
    # COUNT_CAP names is counted and, sorted by name, paged from those names alone
    # (selectors.participants_name_window), and the page says so.
    q = request.GET.get("q") or ""
    # A NIK prefix of 4 digits or more is counted exactly further and, up to
    # selectors.NIK_EXACT_BELOW holders, paged from its holders (the covering NIK index).
    matches_first = selectors.searches_by_trigram(q)
    nik_prefix = selectors.searches_nik_prefix(q)
    prefix = selectors.participants_name_prefix(queryset, q)

    def name_window(sort: str, offset: int, limit: int) -> tuple[list[int], int] | None:
        if prefix is None or sort.lstrip("-") != "name":
            return None
        return selectors.participants_name_window(prefix, descending=sort.startswith("-"), offset=offset, limit=limit)

    table = build_table(
        request,
        selectors.participant_list_rows(queryset),
        columns=columns,
        default_sort="name",
        search=selectors.participants_search,
        filters=filter_form.filters(),
        tiebreak="id",
        count=functools.partial(
            selectors.participants_count,
            matches_first=matches_first,
            subset=selectors.participants_search_subset(queryset, q),
            cap=selectors.NIK_EXACT_BELOW if nik_prefix else None,
        ),
        load_page_by_id=True,
        matches_first_below=(
            selectors.MATCHES_FIRST_BELOW if matches_first else selectors.NIK_EXACT_BELOW if nik_prefix else 0
        ),
        capped_window=name_window,
        # Over the cap (a common name, or a short NIK prefix: a province's code holds
        # hundreds of thousands at 10M) only the name order is read from an index.
        sorts_over_cap=selectors.SORTS_OVER_CAP,
        depth_over_cap=selectors.PAGED_OVER_CAP,
    )
    return render(request, "participants/list.html", {"table": table, "filter_form": filter_form})


@staff_required
def participant_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ParticipantForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.participant_register(
                actor=user,
                data=form.domain_data(),
                coordinator=form.cleaned_data.get("coordinator"),
                documents=form.documents(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": result.participant.full_name})
            if result.likely_duplicates:
                messages.warning(
                    request,
                    _(
                        "Another participant has the same name and date of birth. It may be the same person; "
                        "the registration is flagged for checking."
                    ),
                )
            return redirect("participants:detail", pk=result.participant.pk)
    context = {"form": form, "creating": True, "field_texts": page_texts()}
    return render(request, "participants/form.html", context)


@staff_required
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get_for_user(request.user, pk)
    context = {
        "participant": participant,
        "documents": participant.documents.select_related("uploaded_by"),
        "family_members": participant.family_members.all(),
        "timeline": participant_timeline(participant),
        "upload_form": DocumentUploadForm(),
        "family_form": FamilyMemberForm(),
    }
    return render(request, "participants/detail.html", context)


@staff_required
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.participant_get_for_user(user, pk)
    form = ParticipantForm(request.POST or None, instance=participant, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            # ModelForm validation wrote into the instance; start again from the database.
            fresh = selectors.participant_get_for_user(user, pk)
            services.participant_update(
                actor=user,
                participant=fresh,
                data=form.domain_data(),
                reason=form.cleaned_data.get("status_reason", ""),
                coordinator=form.cleaned_data.get("coordinator"),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The changes to %(name)s have been saved.") % {"name": fresh.full_name})
            return redirect("participants:detail", pk=pk)
    return render(request, "participants/form.html", {"form": form, "participant": participant, "creating": False})


@staff_required
def participant_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.participant_get_for_user(user, pk)
    if request.method == "POST":
        try:
            services.participant_delete(actor=user, participant=participant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("participants:detail", pk=pk)
        messages.success(request, _("The registration of %(name)s has been deleted.") % {"name": participant.full_name})
        return redirect("participants:list")
    return render(request, "participants/confirm_delete.html", {"participant": participant})


@staff_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.participant_get_for_user(user, pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=user, participant=participant, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document has been uploaded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("participants:detail", kwargs={"pk": pk}) + "#documents")


@staff_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    document = selectors.document_get_for_user(request.user, pk, doc_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=document.original_name,
    )
    # Identity documents must not stay in shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def document_delete_view(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    user = _user(request)
    document = selectors.document_get_for_user(user, pk, doc_pk)
    services.document_delete(actor=user, document=document)
    messages.success(request, _("The document has been deleted."))
    return redirect(reverse("participants:detail", kwargs={"pk": pk}) + "#documents")


@admin_required
def participants_reassign_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ReassignForm(request.POST or None, user=user)
    preview: int | None = None
    if request.method == "POST" and form.is_valid():
        queryset = Participant.objects.filter(coordinator=form.cleaned_data["from_coordinator"])
        if form.cleaned_data.get("district"):
            queryset = queryset.filter(district=form.cleaned_data["district"])
        if request.POST.get("confirm") == "1":
            moved = services.participants_reassign(
                actor=user,
                participants=queryset,
                to_coordinator=form.cleaned_data["to_coordinator"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("%(count)s participants have been handed to %(name)s.")
                % {"count": moved, "name": form.cleaned_data["to_coordinator"]},
            )
            return redirect("participants:list")
        preview = queryset.count()
    return render(request, "participants/reassign.html", {"form": form, "preview": preview})


@staff_required
@require_POST
def family_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.participant_get_for_user(user, pk)
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        try:
            services.family_member_add(actor=user, participant=participant, data=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The family member has been added."))
            return redirect(reverse("participants:detail", kwargs={"pk": pk}) + "#family")
    return render(request, "participants/family_form.html", {"form": form, "participant": participant})


@staff_required
@require_POST
def family_member_delete_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = _user(request)
    member = selectors.family_member_get_for_user(user, pk, member_pk)
    services.family_member_delete(actor=user, member=member)
    messages.success(request, _("The family member has been removed."))
    return redirect(reverse("participants:detail", kwargs={"pk": pk}) + "#family")
