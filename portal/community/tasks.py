"""Background work of the community app, run by django-q2 (inline in tests: sync mode)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community.models import Estate, RegisterImportJob
from portal.community.register import RowError, import_rows

logger = logging.getLogger(__name__)

# Registers longer than this are imported in the background, with a progress bar.
ASYNC_THRESHOLD = 300


def start_register_import(
    estate: Estate,
    rows: list[dict[str, str]],
    *,
    actor: Any,
    file_name: str,
    file_errors: list[RowError] | None = None,
) -> RegisterImportJob:
    """Record an upload as a job and run it: inline when small, as a django-q2 task when large.

    A file that could not be read at all (`file_errors`) is recorded as a failed job, so every
    attempt leaves a trace the uploader can come back to.
    """
    job = RegisterImportJob.objects.create(
        estate=estate,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        total=len(rows),
        pending_rows=rows if not file_errors else [],
    )
    if file_errors:
        _finish(job, errors=file_errors)
    elif len(rows) > ASYNC_THRESHOLD:
        from django_q.tasks import async_task

        # After commit, so the worker finds the job row.
        transaction.on_commit(
            lambda: async_task(
                "portal.community.tasks.run_register_import",
                job.pk,
                task_name=f"register-import-{job.pk}",
            )
        )
    else:
        run_register_import(job.pk)
        job.refresh_from_db()
    return job


def run_register_import(job_id: int) -> None:
    """Import a job's rows, writing progress and the outcome into the job."""
    job = RegisterImportJob.objects.select_related("estate", "created_by").get(pk=job_id)
    if job.is_finished:
        return
    job.status = RegisterImportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.total = len(job.pending_rows)
    job.save(update_fields=["status", "started_at", "total"])

    def progress(done: int) -> None:
        RegisterImportJob.objects.filter(pk=job.pk).update(done=done)

    try:
        result = import_rows(
            job.estate,
            job.pending_rows,
            actor=job.created_by,
            source_name=job.file_name,
            progress=progress,
        )
    except Exception:
        logger.exception("Register import job %s failed", job.pk)
        # Recorded on the job rather than raised: the uploader sees it, the log keeps the trace,
        # and a retry would only repeat it.
        _finish(job, errors=[RowError(0, "", _("导入时发生意外错误，数据库未作任何修改。"))])
        return
    if result.errors:
        _finish(job, errors=result.errors)
    else:
        _finish(
            job,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )


def _finish(
    job: RegisterImportJob,
    *,
    errors: list[RowError] | None = None,
    created: int = 0,
    updated: int = 0,
    unchanged: int = 0,
) -> None:
    """Store the outcome and drop the pending rows, which hold ID numbers in the clear."""
    job.status = RegisterImportJob.Status.FAILED if errors else RegisterImportJob.Status.SUCCEEDED
    job.errors = [e.as_dict() for e in errors or []]
    job.created_count, job.updated_count, job.unchanged_count = created, updated, unchanged
    job.done = job.total
    job.pending_rows = []
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "errors",
            "created_count",
            "updated_count",
            "unchanged_count",
            "done",
            "pending_rows",
            "finished_at",
        ]
    )
