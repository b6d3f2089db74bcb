"""The 小区管理 menu: estates, buildings, units, owner register, roles, claims, audit log.

ModelViewSets with only the URLs each needs (no copy, delete, history or usage views), their
querysets scoped by the policies in policies.py, and saves routed through community actions.

Long because: one admin menu, eight short viewsets that share the scoping helpers above
them; each viewset is read on its own.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.community import audit, permissions
from portal.community.admin import views
from portal.community.admin_forms import EstateCreateForm, RoleGrantForm, UnitCorrectionForm
from portal.community.choices import ClaimStatus, RoleKind, UnitState
from portal.community.masking import mask_id_last4, mask_name
from portal.community.models import (
    AuditEvent,
    Building,
    Estate,
    MembershipClaim,
    OwnerIdentity,
    Role,
    Unit,
)


def _estates_for(action: str):
    """Return a filter-choice queryset callable: only estates where the user may do the action."""

    def queryset(request):
        if request is None:
            return Estate.objects.none()
        return permissions.estates_where(request.user, action)

    return queryset


def _buildings_for(action: str):
    def queryset(request):
        if request is None:
            return Building.objects.none()
        return Building.objects.filter(
            estate__in=permissions.estates_where(request.user, action)
        ).select_related("estate")

    return queryset


class CommunityViewSet(ModelViewSet):
    """A ModelViewSet that serves only the views listed in `views_enabled`."""

    views_enabled: tuple[str, ...] = ("index",)
    copy_view_enabled = False
    add_to_reference_index = False
    menu_hook = None

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # Only name URLs that exist, so no template or button links to a view that is not served.
        for name in ("add", "edit", "delete", "history", "usage"):
            if name not in self.views_enabled:
                view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self) -> list:
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if "add" in self.views_enabled:
            patterns.append(path("new/", self.add_view, name="add"))
        if "edit" in self.views_enabled:
            patterns.append(path("edit/<int:pk>/", self.edit_view, name="edit"))
        return patterns

    def get_permissions_to_register(self):
        # Access comes from community roles, not Django model permissions: offer none of these
        # in Wagtail's group editor, where ticking one would mean nothing.
        return super().get_permissions_to_register().none()


# --- estates -----------------------------------------------------------------------------


class EstateViewSet(CommunityViewSet):
    model = Estate
    icon = "home"
    menu_label = _("小区")
    name = "community_estates"
    views_enabled = ("index", "add")
    index_view_class = views.ScopedIndexView
    add_view_class = views.EstateCreateView
    form_fields = ["community", "name", "slug", "address", "property_company"]
    list_display = ["name", "slug", "community", "address", "property_company"]
    search_fields = ["name", "slug", "address"]

    def get_form_class(self, for_update: bool = False):
        return EstateCreateForm

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(select_related=("community",), **kwargs)


# --- buildings and units -----------------------------------------------------------------


class BuildingFilterSet(WagtailFilterSet):
    estate = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=_estates_for("view_register")
    )

    class Meta:
        model = Building
        fields = ["estate"]


class BuildingViewSet(CommunityViewSet):
    model = Building
    icon = "table"
    menu_label = _("楼栋")
    name = "community_buildings"
    index_view_class = views.ScopedIndexView
    filterset_class = BuildingFilterSet
    list_display = [
        TitleColumn("name", label=_("楼栋")),
        Column("estate", label=_("小区")),
        Column("unit_count", label=_("房屋数"), accessor=lambda b: b.units.count()),
    ]
    ordering = ["estate__name", "sort_key", "name"]

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(
            select_related=("estate",), prefetch_related=("units",), **kwargs
        )


class UnitFilterSet(WagtailFilterSet):
    estate = django_filters.ModelChoiceFilter(
        label=_("小区"), field_name="building__estate", queryset=_estates_for("view_register")
    )
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=_buildings_for("view_register")
    )
    state = django_filters.ChoiceFilter(label=_("房屋状态"), choices=UnitState.choices)

    class Meta:
        model = Unit
        fields = ["estate", "building", "state"]


def _area(unit: Unit) -> str:
    # The exact registered figure, never a float: areas decide votes (SPC interpretation Art. 8).
    return str(unit.exclusive_area)


class UnitViewSet(CommunityViewSet):
    model = Unit
    icon = "form"
    menu_label = _("房屋")
    name = "community_units"
    views_enabled = ("index", "edit")
    index_view_class = views.ScopedIndexView
    edit_view_class = views.UnitEditView
    filterset_class = UnitFilterSet
    list_display = [
        TitleColumn("label", label=_("房屋"), accessor="label"),
        Column("estate", label=_("小区"), accessor="building.estate"),
        Column("floor", label=_("楼层")),
        Column("exclusive_area", label=_("专有部分面积（㎡）"), accessor=_area),
        Column("area_source", label=_("面积来源"), accessor="get_area_source_display"),
        Column("state", label=_("房屋状态"), accessor="get_state_display"),
    ]

    def get_form_class(self, for_update: bool = False):
        return UnitCorrectionForm

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(select_related=("building__estate",), **kwargs)


# --- owner register ----------------------------------------------------------------------


class IdentityFilterSet(WagtailFilterSet):
    estate = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=_estates_for("view_register")
    )
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"),
        field_name="ownerships__unit__building",
        queryset=_buildings_for("view_register"),
        distinct=True,
    )

    class Meta:
        model = OwnerIdentity
        fields = ["estate", "kind", "building"]


class RegisterIndexView(views.ScopedIndexView):
    """The owner register, masked: full names only where the user manages the register."""

    select_related = ("estate", "user")
    prefetch_related = ("ownerships__unit__building",)

    @property
    def full_name_estate_ids(self) -> set[int]:
        if not hasattr(self, "_full_name_estate_ids"):
            self._full_name_estate_ids = set(
                permissions.estates_where(self.request.user, "manage_register").values_list(
                    "pk", flat=True
                )
            )
        return self._full_name_estate_ids

    def display_name(self, identity: OwnerIdentity) -> str:
        if identity.estate_id in self.full_name_estate_ids:
            return identity.name
        return identity.masked_name

    @property
    def columns(self) -> list:
        return [
            TitleColumn(
                "name", label=_("业主"), accessor=self.display_name, get_url=lambda i: None
            ),
            Column("estate", label=_("小区")),
            Column("kind", label=_("类型"), accessor="get_kind_display"),
            Column("mobile", label=_("手机号"), accessor="masked_mobile"),
            Column("id_last4", label=_("证件号码"), accessor=lambda i: mask_id_last4(i.id_last4)),
            Column("units", label=_("房屋"), accessor=_current_units),
            Column(
                "linked",
                label=_("已关联账户"),
                accessor=lambda i: _("是") if i.user_id else _("否"),
            ),
        ]


def _current_units(identity: OwnerIdentity) -> str:
    return "、".join(
        str(ownership.unit) for ownership in identity.ownerships.all() if ownership.ended_at is None
    )


class OwnerRegisterViewSet(CommunityViewSet):
    model = OwnerIdentity
    icon = "group"
    menu_label = _("业主名册")
    name = "community_register"
    index_view_class = RegisterIndexView
    filterset_class = IdentityFilterSet
    ordering = ["estate__name", "name"]


# --- roles ---------------------------------------------------------------------------------


class RoleFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("角色"), choices=RoleKind.choices)
    estate = django_filters.ModelChoiceFilter(label=_("小区"), queryset=Estate.objects.all())
    active = django_filters.BooleanFilter(
        label=_("仍有效"), field_name="revoked_at", lookup_expr="isnull"
    )

    class Meta:
        model = Role
        fields = ["kind", "estate", "active"]


def _role_holder(role: Role) -> str:
    user = role.user
    return f"{user.display_name or user.username} · {user.masked_phone}"


class RoleViewSet(CommunityViewSet):
    model = Role
    icon = "user"
    menu_label = _("角色")
    name = "community_roles"
    views_enabled = ("index", "add")
    index_view_class = views.RoleIndexView
    add_view_class = views.RoleGrantView
    filterset_class = RoleFilterSet
    list_display = [
        TitleColumn("user", label=_("用户"), accessor=_role_holder, get_url=lambda r: None),
        Column("kind", label=_("角色"), accessor="get_kind_display"),
        Column("scope", label=_("范围"), accessor="scope"),
        DateColumn("granted_at", label=_("授予时间")),
        DateColumn("revoked_at", label=_("撤销时间")),
    ]
    ordering = ["-granted_at"]

    def get_form_class(self, for_update: bool = False):
        return RoleGrantForm

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    @property
    def revoke_view(self):
        return views.RoleRevokeView.as_view(index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
        ]


# --- membership claims ---------------------------------------------------------------------


class ClaimFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ClaimStatus.choices)
    estate = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=_estates_for("decide_claims")
    )
    kind = django_filters.ChoiceFilter(label=_("申请类型"), choices=MembershipClaim.Kind.choices)

    class Meta:
        model = MembershipClaim
        fields = ["status", "estate", "kind"]


class ClaimIndexView(views.ScopedIndexView):
    decide_url_name: str = ""
    select_related = ("estate", "unit__building", "user")

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if "status" not in self.request.GET:
            # The work queue: pending claims first; decided ones through the status filter.
            queryset = queryset.filter(status=ClaimStatus.PENDING)
        return queryset

    def get_edit_url(self, instance: MembershipClaim) -> str:
        return reverse(self.decide_url_name, args=(instance.pk,))


class ClaimViewSet(CommunityViewSet):
    model = MembershipClaim
    icon = "tasks"
    menu_label = _("认证申请")
    name = "community_claims"
    index_view_class = ClaimIndexView
    filterset_class = ClaimFilterSet
    list_display = [
        TitleColumn("unit", label=_("房屋"), accessor=lambda c: f"{c.estate} {c.unit}"),
        Column("kind", label=_("申请类型"), accessor="get_kind_display"),
        Column("claimant_name", label=_("申请人"), accessor=lambda c: mask_name(c.claimant_name)),
        Column("status", label=_("状态"), accessor="get_status_display"),
        DateColumn("created_at", label=_("提交时间")),
    ]
    ordering = ["-created_at"]

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(decide_url_name=self.get_url_name("decide"), **kwargs)

    @property
    def decide_view(self):
        return views.ClaimDecideView.as_view(
            index_url_name=self.get_url_name("index"),
            evidence_url_name=self.get_url_name("evidence"),
        )

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("decide/<int:pk>/", self.decide_view, name="decide"),
            path("evidence/<int:pk>/", views.claim_evidence, name="evidence"),
        ]


# --- audit log -----------------------------------------------------------------------------


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="startswith")
    at = django_filters.DateFromToRangeFilter(label=_("日期"), widget=DateRangePickerWidget)
    estate = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_estates_for("view_audit"))

    class Meta:
        model = AuditEvent
        fields = ["action", "at", "estate"]


def _actor(event: AuditEvent) -> str:
    if event.actor is None:
        return str(_("系统"))
    return event.actor.display_name or event.actor.username


class AuditViewSet(CommunityViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("审计记录")
    name = "community_audit"
    index_view_class = views.ScopedIndexView
    filterset_class = AuditFilterSet
    list_display = [
        TitleColumn("action", label=_("操作"), get_url=lambda e: None),
        DateColumn("at", label=_("时间")),
        Column("actor", label=_("操作人"), accessor=_actor),
        Column("estate", label=_("小区")),
        Column("object_repr", label=_("对象"), accessor=audit.object_label),
    ]
    ordering = ["-at", "-id"]

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(select_related=("actor", "estate"), **kwargs)


class CommunityAdminGroup(ModelViewSetGroup):
    """The 小区管理 menu group."""

    menu_label = _("小区管理")
    menu_icon = "site"
    menu_order = 250
    items = (
        EstateViewSet,
        BuildingViewSet,
        UnitViewSet,
        OwnerRegisterViewSet,
        RoleViewSet,
        ClaimViewSet,
        AuditViewSet,
    )
