"""The sub-views of a routable page type, registered by the app's views module.

A RoutablePage's routes are methods of the page model, but the views they run live in the
app's views module, which reads the page models: a page model importing its views is an
import circle. Instead the page module declares a `SubViews` table and its routes ask it;
the views module registers each view under its route name, and the app's `ready()` imports
the views module so the table is full before the first request:

    # consultations/models/pages.py
    consultation_views = SubViews("ConsultationPage")

    @path("respond/", name="respond")
    def respond_route(self, request):
        return consultation_views.serve("respond", request, self)

    # consultations/views.py
    @consultation_views.register("respond")
    def respond(request, page): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class SubViews:
    """A page type's table of sub-views, by route name."""

    def __init__(self, page_type: str) -> None:
        self.page_type = page_type
        self._views: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Return a decorator that registers the view for the route `name` (unchanged)."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            self._views[name] = view
            return view

        return decorator

    def serve(self, name: str, request: Any, page: Any, *args: Any, **kwargs: Any) -> Any:
        """Run the view registered for `name` with the request and the page."""
        try:
            view = self._views[name]
        except KeyError:
            raise ImproperlyConfigured(
                f"{self.page_type} has no sub-view {name!r}: is the app's views module "
                "imported in its AppConfig.ready()?"
            ) from None
        return view(request, page, *args, **kwargs)
