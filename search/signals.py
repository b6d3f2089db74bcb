"""Keep the index current: every change to registered content schedules a django-q2 task.

Receivers only schedule; the task reads the object afresh after commit, so a rolled-back
change is never indexed and a retried task is harmless (indexing is idempotent).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django_q.tasks import async_task
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def enqueue(task: str, *args: Any) -> None:
    name = "search-" + "-".join(str(a) for a in (task.rsplit(".", 1)[-1], *args))
    transaction.on_commit(lambda: async_task(task, *args, task_name=name[:100]))


def schedule_index(instance: models.Model) -> None:
    """Index (or drop) the object's document once the current transaction commits."""
    content_type = ContentType.objects.get_for_model(instance)
    enqueue("search.tasks.index_object", content_type.pk, instance.pk)


def schedule_removal(instance: models.Model) -> None:
    content_type = ContentType.objects.get_for_model(instance)
    enqueue("search.tasks.remove_object", content_type.pk, instance.pk)


def _saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        schedule_index(instance)


def _page_changed(sender, instance, **kwargs) -> None:
    schedule_index(instance)


def _deleted(sender, instance, **kwargs) -> None:
    schedule_removal(instance)


def connect(model: type[models.Model]) -> None:
    """Connect the receivers for one registered model (idempotent)."""
    label = model._meta.label_lower
    post_save.connect(_saved, sender=model, dispatch_uid=f"search-saved-{label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-deleted-{label}")
    if issubclass(model, Page):
        for signal, name in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
        ):
            signal.connect(_page_changed, sender=model, dispatch_uid=f"search-{name}-{label}")
