"""The notices an assembly publishes by itself: voting opened, voting closed, the result.

Each is a NoticePage in the estate's 公告 section, published like any notice (its revision
is kept, every member in scope hears of it once) and each states the ledger at that moment
in one line (`gongzhi-ledger-v2 assembly=… entries=… head=… roll=…`), recorded as a
LedgerPublication. The line is how a rewrite of the ledger by anyone who can reach the
database becomes visible: it no longer matches what was published (SECURITY.md).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.community import legal
from portal.notices import actions as notices
from portal.notices.choices import Issuer, NoticeCategory, Urgency
from portal.notifications.limits import fit_title
from voting.ledger.chain import GENESIS_HASH, publication_line
from voting.models import AssemblyPage, LedgerHead, LedgerPublication

# A notice stays on display at least this long (Hangzhou, Qingyuan rules); never less.
MIN_DISPLAY_DAYS = legal.RESULT_DISPLAY_DAYS.minimum


def _local(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def ledger_line(assembly: AssemblyPage, head: LedgerHead) -> str:
    """Return the publication line of the assembly's chain as it stands."""
    return publication_line(
        assembly=assembly.pk,
        entries=head.sequence,
        head=head.last_hash,
        roll=head.roll_hash or GENESIS_HASH,
        version=2 if head.version >= 2 else head.version,
    )


def ledger_facts(line: str, head: LedgerHead) -> dict[str, Any]:
    """Return the key-facts block that states the ledger in a notice."""
    return {
        "title": _("投票账本校验值"),
        "facts": [
            {"label": _("账本条目数"), "value": str(head.sequence)},
            {"label": _("账本末端哈希"), "value": head.last_hash},
            {"label": _("选民名册哈希"), "value": head.roll_hash or "—"},
            {"label": _("校验行"), "value": line},
        ],
    }


def publish_notice(
    assembly: AssemblyPage,
    *,
    slug: str,
    title: str,
    summary: str,
    body: list[tuple[str, Any]],
    category: str,
    actor: Any,
):
    """Publish one notice of the assembly through the notices app's action; return it.

    The committee issues it, as an important notice on display for the assembly's result
    period; the members hear of it once, as an assembly notification.
    """
    index = notices.notice_index(assembly.page_estate)
    if index is None:
        raise ValidationError(_("本小区没有公告栏目，无法发布会议公告。"))
    return notices.publish_notice(
        index,
        slug=slug,
        # A notice's title must fit a notification and an SMS; the assembly's own page keeps
        # its full name and the notice links to it.
        title=fit_title(title),
        summary=summary,
        body=body,
        category=category,
        issuer=Issuer.COMMITTEE,
        urgency=Urgency.IMPORTANT,
        visibility=assembly.visibility,
        min_display_days=max(MIN_DISPLAY_DAYS, assembly.result_display_days),
        actor=actor,
        notification_category="assembly",
    )


def _record(assembly: AssemblyPage, moment: str, notice, line: str, now) -> LedgerPublication:
    return LedgerPublication.objects.create(
        assembly=assembly, moment=moment, notice=notice, line=line, published_at=now
    )


def _ledger_link(assembly: AssemblyPage) -> str:
    url = reverse("voting:ledger", args=[assembly.pk])
    return f'<a href="{escape(url)}">{escape(_("投票账本"))}</a>'


def publish_opening_notice(assembly: AssemblyPage, head: LedgerHead, roll, *, actor: Any, now):
    """Publish 投票开始公告: the window, the frozen roll's totals and hash, the empty chain."""
    line = ledger_line(assembly, head)
    secrecy = (
        _("本次会议为不记名投票：业主委员会、物业和政府工作人员都无法看到谁投了什么。")
        if assembly.secret_ballot
        else _("本次会议按议事规则为记名投票：每张选票与投票权相关联，计票、核查时可以查明投票人。")
    )
    paragraph = _(
        "%(title)s 投票已开始，将于 %(closes)s 结束。选民名册已冻结：专有部分总面积 %(area)s ㎡，"
        "共 %(heads)s 人、%(units)s 套房屋。%(secrecy)s"
        "每张选票记入公开的投票账本，投票结束前不公开任何表决意见。"
        "下方校验值是投票开始时账本与选民名册的状态，请留存，可随时与账本核对。"
    ) % {
        "title": assembly.title,
        "closes": _local(assembly.voting_closes_at),
        "area": f"{roll.total_area:.2f}",
        "heads": roll.total_heads,
        "units": roll.total_units,
        "secrecy": secrecy,
    }
    notice = publish_notice(
        assembly,
        slug=f"assembly-{assembly.pk}-opened-{secrets.token_hex(3)}",
        title=_("投票开始公告：%(assembly)s") % {"assembly": assembly.title},
        summary=_("投票已开始，%(closes)s 结束。选民名册哈希 %(roll)s…")
        % {"closes": _local(assembly.voting_closes_at), "roll": head.roll_hash[:16]},
        body=[
            ("paragraph", f"<p>{escape(paragraph)}</p><p>{_ledger_link(assembly)}</p>"),
            ("key_facts", ledger_facts(line, head)),
        ],
        category=NoticeCategory.MEETING,
        actor=actor,
    )
    return _record(assembly, LedgerPublication.Moment.OPENED, notice, line, now)


def publish_closing_notice(assembly: AssemblyPage, head: LedgerHead, *, actor: Any, now):
    """Publish 投票结束公告: how many ballots the chain holds and the hash it ends in."""
    line = ledger_line(assembly, head)
    due = assembly.result_due_by
    paragraph = _(
        "%(title)s 投票已于 %(closed)s 结束，投票账本共记入 %(count)s 张选票，此后不再增加。"
        "各选票的表决意见及其随机数现已在账本中公开，任何人都可以核对每一张选票并重新计票。"
        "表决结果将于 %(due)s 前经业主委员会核定后公告。下方校验值是投票结束时账本的状态，请留存。"
    ) % {
        "title": assembly.title,
        "closed": _local(assembly.closed_at or now),
        "count": head.sequence,
        "due": _local(due) if due else "—",
    }
    notice = publish_notice(
        assembly,
        slug=f"assembly-{assembly.pk}-closed-{secrets.token_hex(3)}",
        title=_("投票结束公告：%(assembly)s") % {"assembly": assembly.title},
        summary=_("投票已结束，账本共 %(count)s 张选票，末端哈希 %(head)s…")
        % {"count": head.sequence, "head": head.last_hash[:16]},
        body=[
            ("paragraph", f"<p>{escape(paragraph)}</p><p>{_ledger_link(assembly)}</p>"),
            ("key_facts", ledger_facts(line, head)),
        ],
        category=NoticeCategory.MEETING,
        actor=actor,
    )
    return _record(assembly, LedgerPublication.Moment.CLOSED, notice, line, now)


def record_result_publication(
    assembly: AssemblyPage, notice, line: str, *, now
) -> LedgerPublication:
    """Record that the result notice (and its PDF) published the chain's line."""
    return _record(assembly, LedgerPublication.Moment.CERTIFIED, notice, line, now)
