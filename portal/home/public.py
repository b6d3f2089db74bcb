"""What anyone may open, as a queryset: the pages API lists only these.

Apart from portal.home.visibility (which the page models themselves use) because it reads
the page models: EstatePage and every model with the VisibilityMixin.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from portal.community.choices import Visibility
from portal.home.mixins import VisibilityMixin
from portal.home.models import EstatePage


def public_pages(queryset: QuerySet) -> QuerySet:
    """Narrow a Page queryset to what anyone may open: live, public, in a public estate.

    The same rule as `may_view_page` for an anonymous reader, in a few queries: one per
    page type that has a visibility field, and one for the estate pages.
    """
    hidden = Q()
    for model in apps.get_models():
        if issubclass(model, VisibilityMixin) and not model._meta.abstract:
            ids = model.objects.exclude(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
            hidden |= Q(pk__in=list(ids))
    for path in EstatePage.objects.exclude(visibility=Visibility.PUBLIC).values_list(
        "path", flat=True
    ):
        hidden |= Q(path__startswith=path)
    return queryset.live().public().exclude(hidden) if hidden else queryset.live().public()
