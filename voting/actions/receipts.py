"""What a cast leaves besides the ballot: the receipt in the voter's inbox and the one audit
record of the act (which names the receipt's notification)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.community import audit
from portal.notifications.api import fit_title, notify
from voting.choices import Channel
from voting.models import AssemblyPage, Ballot

logger = logging.getLogger(__name__)


def audit_cast(
    assembly: AssemblyPage, ballot: Ballot, *, cast_by, entered_by, proxy, receipt
) -> None:
    """Record that a right voted, and its receipt; in a secret ballot, not which ballot it was.

    One record per act: the receipt notification is named here (notify writes none of its
    own for it). In a secret-ballot assembly the committee reads the audit log, so the
    record names the person (who voted, for whom, through which channel) and the assembly,
    never the ballot, its version or anything the ledger shows.
    """
    common = {
        "assembly_id": assembly.pk,
        "channel": ballot.channel,
        "entered_by": getattr(entered_by, "pk", None),
        "proxy_id": getattr(proxy, "pk", None),
        "receipt_notification": getattr(receipt, "pk", None),
    }
    if assembly.secret_ballot:
        audit.record(
            "ballot.cast",
            actor=cast_by,
            obj=assembly,
            estate=assembly.page_estate,
            **common,
            secret=True,
        )
        return
    audit.record(
        "ballot.cast",
        actor=cast_by,
        obj=ballot,
        estate=assembly.page_estate,
        **common,
        version=ballot.version,
    )


def notify_receipt(assembly: AssemblyPage, ballot: Ballot, cast_by, right, estate):
    """Put the receipt in the voter's inbox (the holders' for a paper ballot); the batch.

    Recorded in the ballot's transaction (one commit, no second round of writes). notify
    validates before it writes, so a refused notification never costs the voter their
    ballot; the ballot's audit record names the batch, so notify writes no record of its own.
    """
    if ballot.channel == Channel.PAPER:
        # Holders without an account yet hear nothing (nobody to tell).
        recipients = [
            identity.user
            for identity in right.holders.select_related("user")
            if identity.user is not None
        ]
    else:
        recipients = [cast_by]
    if assembly.secret_ballot:
        body = _(
            "您的选票已提交。回执码：%(code)s。为保护投票秘密，不记名投票的选票分批随机记入"
            "投票账本，最迟在投票结束时记入。可在投票账本页面输入回执码核对；投票结束后还可核对"
            "账本公开的表决意见与您所投一致。"
        ) % {"code": ballot.receipt_code}
    else:
        body = _(
            "您的选票已提交并记入本次会议的投票账本。回执码：%(code)s。"
            "可在投票账本页面输入回执码，核对选票已被计入；投票结束后还可核对"
            "账本公开的表决意见与您所投一致。"
        ) % {"code": ballot.receipt_code}
    try:
        return notify(
            recipients,
            category="assembly",
            title=fit_title(_("投票回执：%(assembly)s") % {"assembly": assembly.title}),
            body=body,
            url=reverse("voting:receipt", args=[assembly.pk]),
            estate=estate,
            dedupe_key=f"voting:ballot:{ballot.pk}:receipt",
            within_audited_act=True,
        )
    except ValidationError:
        logger.exception("The receipt notification of ballot %s was refused.", ballot.pk)
        return None
