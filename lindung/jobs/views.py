from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lindung.core.permissions import staff_required

from .selectors import job_get_for_user


@staff_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a long job. The page can be left and opened again later (UI-5); with
    htmx it refreshes its progress block every two seconds until the job is done."""
    job = job_get_for_user(request.user, pk)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@staff_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = job_get_for_user(request.user, pk)
    if not job.result_file:
        raise Http404
    response = FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name or "result")
    response["Cache-Control"] = "private, no-store"
    return response
