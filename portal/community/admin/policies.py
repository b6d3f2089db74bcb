"""The one Wagtail permission-policy base, answering from portal/community/permissions.py.

Every policy of the portal (the community models here, notice templates, the discussion
area's per-estate rules) is an EstateScopedPolicy: Wagtail asks a policy "may this user add / change / delete / view this model" (for menus and
buttons) and "which instances" (for querysets). Each policy maps Wagtail's action names to
actions of the one permissions module and scopes every queryset to the estates where that
action is allowed; it holds no access rule of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from portal.community import permissions
from portal.community.models import (
    AuditEvent,
    Building,
    Estate,
    MembershipClaim,
    OwnerIdentity,
    Role,
    Unit,
)

EDIT_ACTIONS = ("add", "change", "delete", "view")


class EstateScopedPolicy(BasePermissionPolicy):
    """Grant each Wagtail action where the mapped permissions action is allowed for the estate.

    `rights` maps a Wagtail action ("view", "change", ...) to an action of
    `permissions.ACTIONS`; an action left out is refused to everyone, site admins included,
    so nothing can be deleted or edited here by accident.
    """

    def __init__(self, model: Any, *, estate_path: str, rights: Mapping[str, str]):
        super().__init__(model)
        self.estate_path = estate_path
        self.rights = dict(rights)

    def estate_of(self, instance: Model) -> Estate | None:
        target: Any = instance
        for part in self.estate_path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target

    @classmethod
    def for_action(
        cls, model: Any, action: str, *, estate_path: str = "estate"
    ) -> EstateScopedPolicy:
        """Return a policy granting add, change, delete and view where `action` is allowed."""
        return cls(model, estate_path=estate_path, rights=dict.fromkeys(EDIT_ACTIONS, action))

    def estates_for(self, user: Any, actions: Iterable[str] = ("change",)) -> QuerySet[Estate]:
        """Return the estates where the user may perform any of the actions (all for admins)."""
        estates = self.estate_ids_for(user, actions)
        return Estate.objects.all() if estates is None else estates

    def estate_ids_for(self, user: Any, actions: Iterable[str]) -> QuerySet[Estate] | None:
        """Return the estates where any of the actions is allowed; None means every estate."""
        mapped = {self.rights[action] for action in actions if action in self.rights}
        if not mapped:
            return Estate.objects.none()
        if permissions.is_site_admin(user):
            return None
        allowed: set[int] = set()
        for action in mapped:
            allowed.update(permissions.estates_where(user, action).values_list("pk", flat=True))
        return Estate.objects.filter(pk__in=allowed)

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action not in self.rights or not permissions.is_authenticated(user):
            return False
        if permissions.is_site_admin(user):
            return True
        return permissions.estates_where(user, self.rights[action]).exists()

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Model) -> bool:
        if action not in self.rights:
            return False
        estate = self.estate_of(instance)
        if estate is None:
            # Records of no estate (district-wide events) are for the platform operator.
            return permissions.is_site_admin(user)
        return permissions.may(user, self.rights[action], estate)

    def instances_user_has_any_permission_for(self, user: Any, actions: Iterable[str]) -> QuerySet:
        manager = self.model._default_manager
        if not permissions.is_authenticated(user):
            return manager.none()
        estates = self.estate_ids_for(user, actions)
        if estates is None:
            return manager.all()
        return manager.filter(**{f"{self.estate_path}__in": estates})

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        # Asked rarely (never by these viewsets); answered by putting each candidate through
        # the same checks rather than by translating the rules into a query.
        actions = list(actions)
        user_model = get_user_model()
        candidates = (
            user_model.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(roles__revoked_at__isnull=True))
            .distinct()
        )
        allowed = [u.pk for u in candidates if self.user_has_any_permission(u, actions)]
        return user_model.objects.filter(pk__in=allowed)


class SiteAdminOnlyPolicy(EstateScopedPolicy):
    """Let only the platform operator perform the listed actions (estates, roles)."""

    def __init__(self, model: Any, *, actions: Iterable[str]):
        super().__init__(model, estate_path="", rights=dict.fromkeys(actions, "assign_roles"))

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in self.rights and permissions.is_site_admin(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user: Any, actions: Iterable[str]) -> QuerySet:
        if any(self.user_has_permission(user, action) for action in actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


estate_policy = SiteAdminOnlyPolicy(Estate, actions=("view", "add"))
role_policy = SiteAdminOnlyPolicy(Role, actions=("view", "add", "revoke"))
building_policy = EstateScopedPolicy(
    Building, estate_path="estate", rights={"view": "view_register"}
)
unit_policy = EstateScopedPolicy(
    Unit,
    estate_path="building__estate",
    rights={"view": "view_register", "change": "manage_register"},
)
identity_policy = EstateScopedPolicy(
    OwnerIdentity, estate_path="estate", rights={"view": "view_register"}
)
claim_policy = EstateScopedPolicy(
    MembershipClaim,
    estate_path="estate",
    rights={"view": "decide_claims", "decide": "decide_claims"},
)
audit_policy = EstateScopedPolicy(AuditEvent, estate_path="estate", rights={"view": "view_audit"})

POLICIES: dict[type[Model], BasePermissionPolicy] = {
    Estate: estate_policy,
    Role: role_policy,
    Building: building_policy,
    Unit: unit_policy,
    OwnerIdentity: identity_policy,
    MembershipClaim: claim_policy,
    AuditEvent: audit_policy,
}
