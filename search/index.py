"""Writing the index: turn registered objects into SearchDocument rows and tell the backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from search.backends import get_backend
from search.models import SearchDocument
from search.registry import Document, dependants_of, registration_for, registrations
from search.segment import segment_document

BODY_LIMIT = 20_000  # characters of body text kept per document


def build_row(content_type: ContentType, object_id: int, document: Document) -> SearchDocument:
    """Return an unsaved index row for a document, with its segmented words."""
    body = (document.body or "")[:BODY_LIMIT]
    return SearchDocument(
        content_type=content_type,
        object_id=object_id,
        kind=document.kind,
        estate=document.estate,
        visibility=document.visibility,
        party=document.party or "",
        date=document.date,
        title=document.title[:300],
        body=body,
        url=document.url[:500],
        segmented_title=segment_document(document.title),
        segmented_body=segment_document(body),
    )


_FIELDS = [
    "kind",
    "estate",
    "visibility",
    "party",
    "date",
    "title",
    "body",
    "url",
    "segmented_title",
    "segmented_body",
]


def document_for(obj: models.Model) -> Document | None:
    registration = registration_for(type(obj))
    return registration.to_document(obj) if registration is not None else None


@transaction.atomic
def index_instance(obj: models.Model, *, mirror: bool = True) -> SearchDocument | None:
    """Write (or delete) the object's row now, and its dependants'; return the row.

    With mirror=False only the rows are written (the database backend searches them
    directly); the caller has the backend follow after commit (search.api.reindex_now).
    """
    content_type = ContentType.objects.get_for_model(obj)
    document = document_for(obj)
    row = None
    if document is None:
        _delete(content_type.pk, [obj.pk], mirror=mirror)
    else:
        row = build_row(content_type, obj.pk, document)
        existing = SearchDocument.objects.filter(
            content_type=content_type, object_id=obj.pk
        ).first()
        if existing is not None:
            row.pk = existing.pk
            row.save(update_fields=[*_FIELDS, "indexed_at"])
        else:
            row.save()
        if mirror:
            get_backend().index([row])
    for dependant in dependants_of(obj):
        index_instance(dependant, mirror=mirror)
    return row


def index_object(content_type_id: int, object_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    model = content_type.model_class()
    obj = model._default_manager.filter(pk=object_id).first() if model else None
    if obj is None:
        remove_object(content_type_id, object_id)
        return "removed"
    return "indexed" if index_instance(obj) is not None else "dropped"


def remove_object(content_type_id: int, object_id: int) -> None:
    _delete(content_type_id, [object_id])


def _delete(content_type_id: int, object_ids: list[int], *, mirror: bool = True) -> None:
    rows = SearchDocument.objects.filter(content_type_id=content_type_id, object_id__in=object_ids)
    ids = list(rows.values_list("pk", flat=True))
    if ids:
        SearchDocument.objects.filter(pk__in=ids).delete()
        if mirror:
            get_backend().remove(ids)


def reindex_subtree(page_id: int) -> int:
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    count = 0
    # Inclusive: a view restriction on an indexed page itself takes it out too.
    for descendant in page.get_descendants(inclusive=True).specific().iterator(chunk_size=200):
        if registration_for(type(descendant)) is not None:
            index_instance(descendant)
            count += 1
    return count


def iter_documents() -> Iterator[tuple[ContentType, int, Document | None]]:
    """Yield every candidate object's document (None when it must not be indexed)."""
    for registration in registrations():
        content_type = ContentType.objects.get_for_model(registration.model)
        queryset = registration.queryset()
        if hasattr(queryset, "specific"):
            queryset = queryset.specific()
        for obj in queryset.iterator(chunk_size=200):
            yield content_type, obj.pk, registration.to_document(obj)


def count_candidates() -> int:
    return sum(registration.queryset().count() for registration in registrations())


def rebuild(*, progress: Callable[[int], Any] | None = None, batch_size: int = 500) -> int:
    """Rebuild the whole index from the registry; return the number of documents.

    The rows are replaced in one transaction, so readers see the old index until the new
    one is complete; the backend then rebuilds its own structures (an alias swap on
    Elasticsearch).
    """
    count = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        batch: list[SearchDocument] = []
        for content_type, object_id, document in iter_documents():
            if document is not None:
                batch.append(build_row(content_type, object_id, document))
            if len(batch) >= batch_size:
                SearchDocument.objects.bulk_create(batch)
                count += len(batch)
                batch = []
            if progress is not None:
                progress(1)
        if batch:
            SearchDocument.objects.bulk_create(batch)
            count += len(batch)
    get_backend().rebuild(SearchDocument.objects.order_by("pk"))
    return count
