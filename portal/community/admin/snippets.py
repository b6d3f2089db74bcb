"""Per-estate snippets in the Wagtail admin: one viewset base for every app's estate rows.

An app registers its model with the policy that says who may edit which estate's rows
(`scope_to_estates`), then declares a viewset from `EstateScopedViewSet`: the listing shows
only rows of estates the editor may see, the edit and delete views ask the policy about the
row itself (Wagtail checks only the model's right there), and the form offers only those
estates. The rules themselves stay in portal.community.permissions, asked through the policy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet

from portal.community.admin.policies import EstateScopedPolicy

_POLICIES: dict[type[Model], EstateScopedPolicy] = {}


def policy_for(model: type[Model]) -> EstateScopedPolicy:
    return _POLICIES[model]


class EstateScopedForm(WagtailAdminModelForm):
    """Offer only the estates the editor may edit rows for."""

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "estate" in self.fields:
            self.fields["estate"].queryset = policy_for(self._meta.model).estates_for(for_user)


def scope_to_estates(model: type[Model], policy: EstateScopedPolicy) -> None:
    """Make `policy` the model's one answer in the admin, and its form estate-scoped."""
    _POLICIES[model] = policy
    register_permission_policy(model, policy)
    model.base_form_class = EstateScopedForm


class _RowChecked:
    """Ask the policy about the row itself before showing or changing it."""

    wagtail_action = "change"

    def get_object(self, queryset: Any = None) -> Model:
        obj = super().get_object(queryset)  # type: ignore[misc]
        allowed = policy_for(type(obj)).user_has_permission_for_instance(
            self.request.user,  # type: ignore[attr-defined]
            self.wagtail_action,
            obj,
        )
        if not allowed:
            raise PermissionDenied
        return obj


class EstateScopedEditView(_RowChecked, EditView):
    pass


class EstateScopedDeleteView(_RowChecked, DeleteView):
    wagtail_action = "delete"


class EstateScopedViewSet(SnippetViewSet):
    """A snippet viewset listing and editing only rows of the editor's estates."""

    edit_view_class = EstateScopedEditView
    delete_view_class = EstateScopedDeleteView

    def get_queryset(self, request: Any) -> Any:
        return policy_for(self.model).instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        )
