"""Petitions the owner may sign, for the to-do list (portal.home.todo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.community.models import Estate
from portal.home.todo import Todo, from_objects
from voting.petitions.actions import petitions_awaiting


def petitions_to_sign(user: Any, estates: Sequence[Estate]) -> Iterable[Todo]:
    """Petitions for an extraordinary meeting the owner may still sign (no deadline)."""
    return from_objects(petitions_awaiting(user), kind=_("联名提议"), estates=estates)
