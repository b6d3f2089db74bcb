"""The roll is published before it freezes (名册公示与异议): what owners see, and every state change.

After an assembly is announced and until voting opens, each owner sees their own entries (units,
areas, head grouping) and every member sees the roll's aggregates per building, computed from
the register exactly as ``voting.roll.freeze_roll`` will freeze it. An owner objects with
evidence; the committee decides with a reason; an upheld area objection corrects the register
through the register's own action (``portal.community.actions.correct_unit``, audited there).
The roll does not freeze while objections are undecided, unless the committee records why it
will not wait (``override_undecided``); ``voting.actions.refusals_to_open`` asks
:func:`blocking_objections`.

By concern: `published` (what owners see, what blocks the freeze) and `actions` (the
objections' state changes). Callers import from here (`from voting import objections`).
"""

from __future__ import annotations

from voting.objections.actions import (
    decide_objection,
    file_objection,
    override_undecided,
    parse_area,
    roll_url,
)
from voting.objections.published import (
    BuildingRow,
    OwnEntry,
    RollSummary,
    blocking_objections,
    is_open_for_objections,
    is_published,
    own_entries,
    own_identity,
    summary,
)

__all__ = [
    "BuildingRow",
    "OwnEntry",
    "RollSummary",
    "blocking_objections",
    "decide_objection",
    "file_objection",
    "is_open_for_objections",
    "is_published",
    "override_undecided",
    "own_entries",
    "own_identity",
    "parse_area",
    "roll_url",
    "summary",
]
