"""The one registry of searchable content: each app declares its documents here, once.

An app makes its content searchable in a module `<app>/search_documents.py`, which
`SearchConfig.ready()` imports (like admin.py):

    from search.registry import Document, register

    def notice_document(page: NoticePage) -> Document | None:
        ...  # None when the object must not be in the index (draft, staff only)

    register(NoticePage, notice_document)

Registering connects the signals that keep the index current (save, delete, and for pages
publish, unpublish and move); each change is indexed by a django-q2 task after commit.
`related` names objects whose documents depend on this one (an assembly's motions), so
they are re-indexed with it. Another app whose documents are made from this model's state
declares so with `depends_on(Model, dependants)` (a proposal follows its discussion's hold),
so the model's app need not know it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from wagtail.models import Page

from portal.community.choices import Visibility
from search import signals


@dataclass(frozen=True)
class Document:
    """What the index keeps of one object: what it shows and who may see it."""

    kind: str
    title: str
    body: str
    url: str
    estate: Any  # community.Estate, or None for district-wide content
    visibility: str = Visibility.PUBLIC
    party: str = ""
    date: datetime | None = None


ToDocument = Callable[[Any], Document | None]
Related = Callable[[Any], Iterable[models.Model]]


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    to_document: ToDocument
    related: Related | None = None

    def queryset(self) -> models.QuerySet:
        """Return every object of the model that may have a document (for a rebuild)."""
        manager = self.model._default_manager
        if issubclass(self.model, Page):
            return manager.live().order_by("pk")
        return manager.order_by("pk")


_registry: dict[type[models.Model], Registration] = {}


def register(model: type[models.Model], to_document: ToDocument, *, related: Related | None = None):
    """Make the model searchable: `to_document(obj)` returns its Document, or None."""
    _registry[model] = Registration(model=model, to_document=to_document, related=related)

    signals.connect(model)
    return model


_dependants: dict[type[models.Model], list[Related]] = {}


def depends_on(model: type[models.Model], dependants: Related) -> None:
    """Re-index `dependants(obj)` whenever an object of the model is indexed."""
    _dependants.setdefault(model, []).append(dependants)


def dependants_of(obj: models.Model) -> list[models.Model]:
    """Return the objects whose documents depend on this one (its `related` and others')."""
    found: list[models.Model] = []
    registration = registration_for(type(obj))
    if registration is not None and registration.related is not None:
        found.extend(registration.related(obj))
    for klass in type(obj).__mro__:
        for dependants in _dependants.get(klass, []):
            found.extend(dependants(obj))
    return found


def registration_for(model: type[models.Model]) -> Registration | None:
    """Return the registration of the model (or of its nearest registered parent class)."""
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    return None


def registrations() -> list[Registration]:
    return list(_registry.values())


def unregister(model: type[models.Model]) -> None:
    """Forget a model (tests only); its signal receivers stay connected but find nothing."""
    _registry.pop(model, None)
