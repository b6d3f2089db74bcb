"""The community domain: places, the owner register, roles and the audit log."""

from portal.community.models.audit import AuditEvent
from portal.community.models.imports import RegisterImportJob
from portal.community.models.places import Building, Community, Estate, SubDistrict, Unit
from portal.community.models.register import OwnerIdentity, Ownership
from portal.community.models.roles import MembershipClaim, ResidentInvitation, Role

__all__ = [
    "AuditEvent",
    "Building",
    "Community",
    "Estate",
    "OwnerIdentity",
    "Ownership",
    "MembershipClaim",
    "RegisterImportJob",
    "ResidentInvitation",
    "Role",
    "SubDistrict",
    "Unit",
]
