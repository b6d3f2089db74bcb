"""The register import screen in the Wagtail admin: upload, progress, result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.community import lookups, permissions
from portal.community.models import Estate, RegisterImportJob
from portal.community.register import COLUMNS, RegisterFileError, parse_register_file
from portal.community.tasks import start_register_import

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
RECENT_JOBS = 10


def manageable_estates(user: Any) -> list[Estate]:
    """Return the estates whose register this user may import, as the permissions module says."""
    if not permissions.is_authenticated(user):
        return []
    if permissions.is_site_admin(user):
        candidates = Estate.objects.all()
    else:
        candidates = Estate.objects.filter(pk__in=permissions.member_estate_ids(user))
    return [e for e in candidates.order_by("name") if permissions.may(user, "manage_register", e)]


class RegisterUploadForm(forms.Form):
    estate = forms.ChoiceField(label=gettext_lazy("小区"))
    file = forms.FileField(
        label=gettext_lazy("名册文件"),
        help_text=gettext_lazy("CSV 或 XLSX（Excel）文件，首行为列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, estates: list[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].choices = [(e.slug, e.name) for e in estates]
        if len(estates) == 1:
            self.fields["estate"].initial = estates[0].slug

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("仅支持 CSV 或 XLSX（Excel）格式的名册文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB，请分批导入。"))
        return upload


def upload(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on POST, check the estate again, read the file and start the job."""
    estates = manageable_estates(request.user)
    if not estates:
        raise PermissionDenied
    if request.method == "POST":
        slug = request.POST.get("estate", "")
        if slug:
            # Checked again on POST: the choice list is no guard against a crafted request.
            lookups.get_estate(request, slug, action="manage_register")
        form = RegisterUploadForm(request.POST, request.FILES, estates=estates)
        if form.is_valid():
            estate = lookups.get_estate(
                request, form.cleaned_data["estate"], action="manage_register"
            )
            upload_file = form.cleaned_data["file"]
            try:
                rows = parse_register_file(upload_file, upload_file.name)
                file_errors = None
            except RegisterFileError as exc:
                rows, file_errors = [], exc.errors
            job = start_register_import(
                estate,
                rows,
                actor=request.user,
                file_name=upload_file.name,
                file_errors=file_errors,
            )
            return redirect("community_register_job", pk=job.pk)
    else:
        form = RegisterUploadForm(estates=estates)
    jobs = RegisterImportJob.objects.filter(estate__in=estates).select_related(
        "estate", "created_by"
    )[:RECENT_JOBS]
    return TemplateResponse(
        request,
        "community/register_import.html",
        {"form": form, "jobs": jobs, "columns": COLUMNS},
    )


def _get_job(request: HttpRequest, pk: int) -> RegisterImportJob:
    """Return the job if the user may manage its estate's register; 403 otherwise."""
    job = get_object_or_404(RegisterImportJob.objects.select_related("estate", "created_by"), pk=pk)
    if not permissions.may(request.user, "manage_register", job.estate):
        raise PermissionDenied
    return job


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a job: a progress bar while it runs, then its counts or its table of errors."""
    job = _get_job(request, pk)
    return TemplateResponse(
        request,
        "community/register_import_job.html",
        {
            "job": job,
            "status_url": reverse("community_register_job_status", args=[job.pk]),
            "upload_url": reverse("community_register_import"),
        },
    )


def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Return a job's progress as JSON for the polling progress bar."""
    job = _get_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "total": job.total,
            "done": job.done,
            "percent": job.percent,
            "finished": job.is_finished,
        }
    )
