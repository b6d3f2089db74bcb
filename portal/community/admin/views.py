"""Views of the community admin: scoped listings, forms that call actions, claim decisions.

Every queryset comes from the model's permission policy (policies.py), which asks
portal/community/permissions.py; a record of another estate is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.permissions import policy_registry

from portal.community import actions, permissions
from portal.community.admin_forms import ClaimDecisionForm, RoleRevokeForm
from portal.community.choices import IdentityKind
from portal.community.models import MembershipClaim, OwnerIdentity, Role
from portal.community.storage import private_file_response


class ScopedQuerysetMixin:
    """Fetch objects only through the policy: a listing shows, and a URL opens, only what may be seen."""

    scope_action = "view"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_scoped_queryset(self, action: str | None = None):
        policy = policy_registry.get_by_type(self.model)
        queryset = policy.instances_user_has_any_permission_for(
            self.request.user, [action or self.scope_action]
        )
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset


class ScopedIndexView(ScopedQuerysetMixin, generic.IndexView):
    """List only the records of estates where the user may view them; no copy, no delete."""

    def get_base_queryset(self):
        return self.get_scoped_queryset("view")

    def get_edit_url(self, instance: Any) -> str | None:
        policy = policy_registry.get_by_type(self.model)
        if self.edit_url_name and policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            return reverse(self.edit_url_name, args=(instance.pk,))
        return None

    def get_copy_url(self, instance: Any) -> None:
        return None

    def get_delete_url(self, instance: Any) -> None:
        return None


class ActionFormMixin:
    """Save through a community action; its ValidationError becomes a form error, nothing saved."""

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as exc:
            form.add_error(None, exc)
            self.produced_error_message = _("保存失败，请检查下面的错误。")
            return self.form_invalid(form)
        return self.save_action()

    def get_success_buttons(self) -> list:
        return []


class EstateCreateView(ActionFormMixin, generic.CreateView):
    """Create an estate with its pages and editor groups (actions.create_estate), not a bare save."""

    success_message = gettext_lazy("已创建小区“%(object)s”，并生成了小区主页、栏目和编辑组。")

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_estate(
            community=data["community"],
            name=data["name"],
            slug=data["slug"],
            address=data["address"],
            property_company=data["property_company"],
            actor=self.request.user,
        )


class UnitEditView(ScopedQuerysetMixin, ActionFormMixin, generic.EditView):
    """Correct a unit's facts: only where the user manages the register; others get 404."""

    select_related = ("building__estate",)
    success_message = gettext_lazy("已更新房屋“%(object)s”。")

    def get_queryset(self):
        return self.get_scoped_queryset("change")

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.correct_unit(
            self.object,
            actor=self.request.user,
            **{name: data[name] for name in actions.UNIT_CORRECTABLE_FIELDS if name in data},
        )


class RoleGrantView(ActionFormMixin, generic.CreateView):
    """Grant a role through actions.grant_role (which also joins the estate's editor group)."""

    success_message = gettext_lazy("已授予角色：%(object)s。")

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.grant_role(
            self.form.user,
            data["kind"],
            estate=data.get("estate"),
            community=data.get("community"),
            sub_district=data.get("sub_district"),
            unit=data.get("unit"),
            actor=self.request.user,
        )


class RoleIndexView(ScopedIndexView):
    revoke_url_name: str = ""
    select_related = ("user", "estate", "community", "sub_district", "unit__building")

    def get_list_more_buttons(self, instance: Role) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None:
            buttons.append(
                MenuItem(
                    _("撤销"),
                    url=reverse(self.revoke_url_name, args=(instance.pk,)),
                    icon_name="bin",
                    priority=30,
                )
            )
        return buttons


class RoleRevokeView(WagtailAdminTemplateMixin, FormView):
    """Revoke a role through actions.revoke_role; the row stays, with who and when."""

    template_name = "wagtailadmin/community/role_revoke.html"
    form_class = RoleRevokeForm
    page_title = gettext_lazy("撤销角色")
    header_icon = "user"
    index_url_name = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_site_admin(request.user):
            raise PermissionDenied
        self.role = get_object_or_404(
            Role.objects.select_related("user", "estate", "community", "sub_district"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["role"] = self.role
        context["index_url"] = reverse(self.index_url_name)
        return context

    def form_valid(self, form: RoleRevokeForm) -> HttpResponse:
        actions.revoke_role(self.role, actor=self.request.user)
        messages.success(self.request, _("已撤销角色：%(role)s。") % {"role": self.role})
        return redirect(self.index_url_name)


class ClaimLookupMixin:
    """Find a claim among those the user may decide; a claim of another estate is a 404."""

    model = MembershipClaim

    def get_claim(self, pk: int) -> MembershipClaim:
        policy = policy_registry.get_by_type(MembershipClaim)
        queryset = policy.instances_user_has_any_permission_for(self.request.user, ["decide"])
        return get_object_or_404(
            queryset.select_related("estate", "unit__building", "user", "decided_by"), pk=pk
        )


class ClaimDecideView(ClaimLookupMixin, WagtailAdminTemplateMixin, FormView):
    """Show a claim with its evidence and the register's owners of the unit, and decide it."""

    template_name = "wagtailadmin/community/claim_decide.html"
    form_class = ClaimDecisionForm
    page_title = gettext_lazy("审核认证申请")
    header_icon = "user"
    index_url_name = ""
    evidence_url_name = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.claim = self.get_claim(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.claim)

    @cached_property
    def register_owners(self) -> list[dict[str, str]]:
        """Return the unit's current owners as the register has them, masked as in any listing."""
        identities = OwnerIdentity.objects.filter(
            ownerships__unit=self.claim.unit, ownerships__ended_at__isnull=True
        ).distinct()
        full_names = permissions.may(self.request.user, "manage_register", self.claim.estate)
        return [
            {
                "name": identity.name if full_names else identity.masked_name,
                "mobile": identity.masked_mobile,
                "kind": identity.get_kind_display(),
                "developer": identity.kind == IdentityKind.DEVELOPER,
            }
            for identity in identities
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            claim=self.claim,
            register_owners=self.register_owners,
            index_url=reverse(self.index_url_name),
            evidence_url=(
                reverse(self.evidence_url_name, args=(self.claim.pk,))
                if self.claim.evidence
                else ""
            ),
            is_pending=self.claim.status == MembershipClaim._meta.get_field("status").default,
        )
        return context

    def form_valid(self, form: ClaimDecisionForm) -> HttpResponse:
        try:
            actions.decide_claim(
                self.claim,
                approve=form.approve,
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if form.approve:
            messages.success(self.request, _("已通过申请：%(claim)s。") % {"claim": self.claim})
        else:
            messages.success(self.request, _("已驳回申请：%(claim)s。") % {"claim": self.claim})
        return redirect(self.index_url_name)


def claim_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Stream a claim's evidence file to those who may decide the claim, and to no one else.

    Evidence (deeds, contracts) is personal data: it is served through this check rather
    than from a public media URL.
    """
    view = ClaimLookupMixin()
    view.request = request
    claim = view.get_claim(pk)
    return private_file_response(claim.evidence)
