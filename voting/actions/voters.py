"""Who may cast for a right: the voter's own right, an owner's by approved proxy (within the
cap per agent), or a paper ballot the committee enters. Civil Code Art. 278 and SPC
interpretation Art. 16: owners vote, residents and tenants never do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.community import permissions
from voting.actions.common import refuse_non_voter
from voting.choices import Channel, ProxyStatus
from voting.models import AssemblyPage, Ballot, Proxy, VotingRight
from voting.scans import validate_scan

if TYPE_CHECKING:
    from portal.accounts.types import User


@dataclass(frozen=True)
class VoterRight:
    """A right `voter_id` may exercise: their own (online) or an owner's by approved proxy.

    Built only by the permission-checked lookup (voting.lookups.rights_for_voter), which asked
    `may(user, "vote", …)` and read the holders and proxies; cast_ballot takes it as that
    check and does not read them again.
    """

    right: VotingRight
    channel: str
    voter_id: int
    proxy: Proxy | None = None

    @property
    def key(self) -> str:
        return self.right.pseudonym


def check_voter(
    assembly: AssemblyPage,
    right: VotingRight,
    channel: str,
    cast_by: User,
    entered_by: User | None,
    scan: Any,
    *,
    checked: VoterRight | None,
    estate: Any,
) -> tuple[Proxy | None, User]:
    """Return (the proxy used, who casts) once the caster may vote for this right."""
    if channel == Channel.PAPER:
        if entered_by is None or not permissions.may(entered_by, "run_assembly", estate):
            raise ValidationError(_("只有本小区业主委员会成员可以录入书面选票。"))
        if not scan:
            raise ValidationError(_("请上传书面选票的扫描件。"))
        validate_scan(scan)
        return None, entered_by
    if checked is not None:
        if (
            checked.right.pk != right.pk
            or checked.channel != channel
            or checked.voter_id != cast_by.pk
        ):
            raise ValueError("cast_ballot: `checked` is not this voter's check of this right")
        return checked.proxy, cast_by
    if channel == Channel.ONLINE:
        refuse_non_voter(cast_by, estate)
        if not right.holders.filter(user=cast_by).exists():
            raise ValidationError(_("您不是该投票权的权利人，不能以本人名义投票。"))
        return None, cast_by
    proxy = (
        Proxy.objects.filter(
            assembly=assembly,
            agent=cast_by,
            status=ProxyStatus.APPROVED,
            identity__voting_rights=right,
        )
        .order_by("decided_at")
        .first()
    )
    if proxy is None:
        raise ValidationError(_("您没有经业委会批准的本次会议委托，不能代该业主投票。"))
    return proxy, cast_by


def over_proxy_cap(
    assembly: AssemblyPage, right: VotingRight, agent: User
) -> ValidationError | None:
    """Return the refusal if the agent already represents as many rights as the cap allows."""
    # Lock the agent's approved authorisations: their proxy ballots are counted one at a time.
    list(
        Proxy.objects.select_for_update()
        .filter(assembly=assembly, agent=agent, status=ProxyStatus.APPROVED)
        .values_list("pk", flat=True)
    )
    represented = (
        Ballot.objects.filter(assembly=assembly, channel=Channel.PROXY, cast_by=agent)
        .exclude(right=right)
        .values("right")
        .distinct()
        .count()
    )
    if represented < assembly.proxy_cap_per_agent:
        return None
    return ValidationError(
        ngettext(
            "每位受托人在本次会议最多代理 %(cap)s 个投票权，您已达到上限。",
            "每位受托人在本次会议最多代理 %(cap)s 个投票权，您已达到上限。",
            assembly.proxy_cap_per_agent,
        )
        % {"cap": assembly.proxy_cap_per_agent}
    )
