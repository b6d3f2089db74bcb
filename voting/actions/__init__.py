"""Every state change of the voting domain has its one entry point here.

Each action runs in one transaction and writes the audit log; notifications go out through
the one notification path (portal.notifications.api.notify). By concern:

- `lifecycle`: announce the meeting, record that the residents' committee was told, open
  voting (freeze the roll, start the ledger), close it;
- `casting`: cast a ballot (online, by proxy, or as entered paper) and append it to the
  ledger; `choices` checks what a ballot says before anything is written;
- `paper`: enter and confirm paper ballots, resolve online against paper by the stated rule;
- `proxies`: register and decide written authorisations;
- `certification`: certify the result and publish the 决议公告.

Callers use this package (`from voting import actions; actions.cast_ballot(...)`).
"""

from voting.actions.casting import CastResult, cast_ballot
from voting.actions.certification import certify_result, refusals_to_certify
from voting.actions.choices import validate_choices
from voting.actions.lifecycle import (
    announce_assembly,
    close_voting,
    open_voting,
    record_residents_committee_informed,
    refusals_to_close,
    refusals_to_open,
)
from voting.actions.paper import confirm_paper_ballot, enter_paper_ballot, resolve_channels
from voting.actions.proxies import decide_proxy, register_proxy
from voting.actions.voters import VoterRight
from voting.scans import validate_scan

__all__ = [
    "CastResult",
    "VoterRight",
    "announce_assembly",
    "cast_ballot",
    "certify_result",
    "close_voting",
    "confirm_paper_ballot",
    "decide_proxy",
    "enter_paper_ballot",
    "open_voting",
    "record_residents_committee_informed",
    "refusals_to_certify",
    "refusals_to_close",
    "refusals_to_open",
    "register_proxy",
    "resolve_channels",
    "validate_choices",
    "validate_scan",
]
