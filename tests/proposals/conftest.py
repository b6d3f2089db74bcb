"""Helpers of the proposal tests: an estate with enough owners to count heads, and a proposal."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from portal.community import actions as community_actions
from portal.notifications.models import NotificationBatch
from proposals import actions
from tests.factories import (
    BuildingFactory,
    OwnerIdentityFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)


def notified(dedupe_key: str) -> set[int]:
    """Return the user ids the notification with this key was addressed to."""
    ids: set[int] = set()
    for batch in NotificationBatch.objects.filter(dedupe_key=dedupe_key):
        ids.update(batch.recipient_ids)
    return ids


_numbers = itertools.count(1)


def add_owner(estate, *, units: int = 1, building: str = "8栋", name: str = "", **user_kwargs):
    """Create an account owning `units` new flats of the estate (one buyer: one head)."""
    user = UserFactory(**({"display_name": name} if name else {}), **user_kwargs)
    identity = OwnerIdentityFactory(estate=estate, name=user.display_name, mobile=user.phone)
    b = BuildingFactory(estate=estate, name=building)
    for _ in range(units):
        n = next(_numbers)
        unit = UnitFactory(
            building=b, number=f"{n:04d}", floor=n // 100 + 1, exclusive_area=Decimal("90.00")
        )
        OwnershipFactory(unit=unit, identity=identity)
    community_actions.link_identity(identity, user, how="test")
    return user


def add_owners(estate, n: int) -> list:
    return [add_owner(estate) for _ in range(n)]


@pytest.fixture
def forty_heads(estate_a, world_a):
    """锦绣花园 with 40 heads: the two flats of the shared world and 38 more owners.

    5 % of 40 heads is exactly 2 supporters.
    """
    return add_owners(estate_a, 38)


def propose(
    estate, user, *, title="在 3 栋旁增设快递柜", body="<p>快递常堆在门岗，建议增设快递柜。</p>"
):
    return actions.submit_proposal(estate, user, title=title, body=body)
