"""The ledger as its readers get it: the JSON download and the rows of the ledger page.

What is published when (voting/LEDGER.md): while voting is open, every entry's hashed fields
and hash, never a choice or a nonce; from the close, each entry's choices and nonce as well
(in a secret ballot only for the entries that count) and whether it counts. A chain begun
in gongzhi-ledger-v1 hashes the choices themselves, so until its close only its sequence
numbers, receipt hashes and hashes are published.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from voting.choices import AssemblyState, Channel, ChannelClass, VoteChoice
from voting.ledger.chain import (
    FORMATS,
    GENESIS_HASH,
    HASHED_FIELDS_BY_VERSION,
    publication_line,
)
from voting.ledger.store import ballot_choices, entry_of, stored_entry_rows
from voting.models import LedgerHead, LedgerPending, LedgerPublication
from voting.tally import counted_ballots

V1_WHILE_OPEN = ("sequence", "receipt_hash", "prev_hash", "hash")


def _motions(assembly) -> list[dict[str, Any]]:
    motions = assembly.motions.order_by("sort_order", "pk").prefetch_related("candidates")
    return [
        {
            "id": motion.pk,
            "number": number,
            "title": motion.title,
            "kind": motion.kind,
            "candidates": [{"id": c.pk, "name": c.name} for c in motion.candidates.all()],
        }
        for number, motion in enumerate(motions, start=1)
    ]


def public_ledger(assembly) -> dict[str, Any]:
    """Return the whole published ledger of an assembly as plain data (the JSON download)."""
    head = LedgerHead.objects.filter(assembly=assembly).first()
    version = head.version if head else 2
    closed = assembly.state == AssemblyState.CLOSED
    counted = set(counted_ballots(assembly).values_list("pk", flat=True)) if closed else set()
    entries = []
    for row in stored_entry_rows(assembly):
        entry = entry_of(row, head)
        if closed:
            is_counted = row.ballot_id in counted
            if version >= 2:
                opened = is_counted or not head.secret
                entry["choices"] = ballot_choices(row.ballot) if opened else None
                entry["nonce"] = row.ballot.nonce if opened else None
            entry["counted"] = is_counted
        elif version == 1:
            entry = {name: entry[name] for name in V1_WHILE_OPEN}
        entries.append(entry)
    line = ""
    if head is not None and version >= 2:
        line = publication_line(
            assembly=assembly.pk,
            entries=head.sequence,
            head=head.last_hash,
            roll=head.roll_hash or GENESIS_HASH,
        )
    publications = LedgerPublication.objects.filter(assembly=assembly).select_related("notice")
    return {
        "format": FORMATS[version],
        "algorithm": "sha256(canonical JSON of hashed_fields); see voting/LEDGER.md",
        "hashed_fields": list(HASHED_FIELDS_BY_VERSION[version]),
        "revealed_fields": (["choices", "nonce", "counted"] if version >= 2 else ["counted"])
        if closed
        else [],
        "genesis": GENESIS_HASH,
        "assembly": assembly.pk,
        "title": assembly.title,
        "state": assembly.state,
        "secret_ballot": bool(head.secret) if head else assembly.secret_ballot,
        "roll_hash": head.roll_hash if head else "",
        "head": {"sequence": head.sequence, "last_hash": head.last_hash} if head else None,
        "published": line,
        "publications": [
            {
                "moment": publication.moment,
                "line": publication.line,
                "notice": publication.notice.url or "",
                "published_at": publication.published_at.isoformat(),
            }
            for publication in publications
        ],
        "pending": LedgerPending.objects.filter(assembly=assembly).count(),
        "motions": _motions(assembly),
        "entries": entries,
    }


# --- the ledger page ------------------------------------------------------------------------


def _channel_label(channel: str) -> str:
    labels = {
        Channel.ONLINE: _("线上投票"),
        Channel.PROXY: _("委托投票"),
        Channel.PAPER: _("书面投票"),
        ChannelClass.ELECTRONIC: _("线上（含委托）"),
    }
    return labels.get(channel, channel)


def _choice_words(value: Any, motion: dict[str, Any] | None) -> str:
    if isinstance(value, list):
        names = {c["id"]: c["name"] for c in (motion or {}).get("candidates", [])}
        return "、".join(names.get(candidate, str(candidate)) for candidate in value)
    labels = dict(VoteChoice.choices)
    return str(labels.get(value, value))


def _beijing(value: str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date_format(timezone.localtime(moment), "Y-m-d H:i:s")


def display_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the entries of a public ledger in words: motion titles, 同意／反对／弃权, Beijing time."""
    motions = {str(motion["id"]): motion for motion in data["motions"]}
    order = {str(motion["id"]): motion["number"] for motion in data["motions"]}
    rows = []
    for entry in data["entries"]:
        choices = entry.get("choices")
        rows.append(
            {
                "sequence": entry["sequence"],
                "time": _beijing(entry.get("cast_at")),
                "channel": _channel_label(entry["channel"]) if "channel" in entry else "",
                "voter": entry.get("voter") or entry.get("pseudonym") or "",
                "choices": [
                    (
                        motions.get(motion_id, {}).get("title", motion_id),
                        _choice_words(value, motions.get(motion_id)),
                    )
                    for motion_id, value in sorted(
                        (choices or {}).items(), key=lambda item: order.get(item[0], 0)
                    )
                ]
                if choices is not None
                else None,
                "counted": entry.get("counted"),
                "commitment": entry.get("commitment", ""),
                "hash": entry["hash"],
                "prev_hash": entry["prev_hash"],
                "receipt_hash": entry["receipt_hash"],
            }
        )
    return rows
