"""The voting domain: assembly pages and motions, the roll, proxies, ballots and the ledger."""

from voting.models.assemblies import AssemblyIndexPage, AssemblyPage, MotionsFrozenError
from voting.models.ballots import (
    GENESIS_HASH,
    Ballot,
    BallotChoice,
    LedgerEntry,
    LedgerHead,
    LedgerPending,
    LedgerPublication,
    PaperConfirmation,
)
from voting.models.motions import Candidate, Motion, ResidentsCommitteeNotice
from voting.models.objections import RollObjection, RollObjectionDecision, RollObjectionOverride
from voting.models.proxies import Proxy
from voting.models.results import AssemblyResult
from voting.models.roll import ElectoralRoll, VotingRight, VotingRightUnit

__all__ = [
    "GENESIS_HASH",
    "AssemblyIndexPage",
    "AssemblyPage",
    "AssemblyResult",
    "Ballot",
    "BallotChoice",
    "Candidate",
    "ElectoralRoll",
    "LedgerEntry",
    "LedgerHead",
    "LedgerPending",
    "LedgerPublication",
    "Motion",
    "MotionsFrozenError",
    "PaperConfirmation",
    "Proxy",
    "ResidentsCommitteeNotice",
    "RollObjection",
    "RollObjectionDecision",
    "RollObjectionOverride",
    "VotingRight",
    "VotingRightUnit",
]
