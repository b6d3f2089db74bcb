"""What the meeting and action-item acts share: the refusal and who answers for an item."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from deliberation.oversight.models import ActionItem
from portal.community import membership


def refuse(message: str) -> None:
    raise PermissionDenied(message)


def responsible_recipients(item: ActionItem) -> Any:
    if item.responsible_person_id:
        return [item.responsible_person_id]
    return list(
        membership.party_users(item.estate, item.responsible_party).values_list("pk", flat=True)
    )
