"""django-q2 tasks of the assembly's timetable (scheduled by voting.lifecycle).

Every task is idempotent: it reads the assembly afresh, does nothing when its step is
already done (or the assembly is gone), re-schedules when the assembly's times have moved,
and notifies with a dedupe key, so a retried or repeated run never acts or notifies twice.
Each returns a short word saying what it did, for the task log.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.community import audit, membership
from portal.community.choices import Party
from portal.community.models import AuditEvent
from portal.notifications.api import fit_title, notify
from voting import actions, lifecycle
from voting.choices import AssemblyState
from voting.models import AssemblyPage, Ballot, VotingRight
from voting.tally import tally


def _assembly(assembly_id: int) -> AssemblyPage | None:
    return AssemblyPage.objects.filter(pk=assembly_id).first()


def _local(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _holders_of(rights) -> object:
    """Return the active accounts linked to the holders of these rights."""
    return (
        get_user_model()
        .objects.filter(owner_identities__voting_rights__in=rights, is_active=True)
        .distinct()
    )


def committee_of(assembly: AssemblyPage):
    """Return the accounts of the estate's owners' committee."""
    return membership.party_users(assembly.page_estate, Party.COMMITTEE)


def _done_before(action: str, assembly: AssemblyPage, **details) -> bool:
    events = AuditEvent.objects.filter(
        action=action, object_type="voting.assemblypage", object_id=str(assembly.pk)
    )
    for key, value in details.items():
        events = events.filter(**{f"details__{key}": value})
    return events.exists()


def open_assembly_voting(assembly_id: int) -> str:
    """Open voting at the scheduled time (freezing the roll); its notice tells the members."""
    assembly = _assembly(assembly_id)
    if assembly is None or assembly.state != AssemblyState.ANNOUNCED:
        return "skipped"
    now = timezone.now()
    if assembly.voting_opens_at and now < assembly.voting_opens_at:
        lifecycle.sync_schedules(assembly, now=now)
        return "rescheduled"
    try:
        actions.open_voting(assembly, now=now)
    except ValidationError as error:
        reason = " ".join(error.messages)
        audit.record(
            "assembly.open_refused", obj=assembly, estate=assembly.page_estate, reason=reason
        )
        # The committee must fix what is missing (e.g. record informing the residents'
        # committee) and then open voting from the manage page.
        notify(
            committee_of(assembly),
            category="assembly",
            title=fit_title(_("投票未能按时开始：%(assembly)s") % {"assembly": assembly.title}),
            body=reason,
            url=reverse("voting:manage", args=[assembly.pk]),
            estate=assembly.page_estate,
            dedupe_key=f"voting:assembly:{assembly.pk}:open_refused",
        )
        return "refused"
    # open_voting published the 投票开始公告, whose message reaches every member once.
    return "opened"


def remind_non_voters(assembly_id: int, days: int) -> str:
    """Remind the holders of rights that have not voted, `days` days before the close."""
    assembly = _assembly(assembly_id)
    now = timezone.now()
    if assembly is None or not assembly.is_voting_window(now):
        return "skipped"
    if _done_before("assembly.reminded", assembly, days=days):
        return "skipped"
    voted = Ballot.objects.filter(right=OuterRef("pk"))
    waiting = VotingRight.objects.filter(assembly=assembly).filter(~Exists(voted))
    recipients = _holders_of(waiting)
    count = recipients.count()
    if count:
        notify(
            recipients,
            category="assembly",
            title=fit_title(_("请尽快投票：%(assembly)s") % {"assembly": assembly.title}),
            body=_("您的投票权尚未投票，投票将于 %(closes)s 结束。")
            % {"closes": _local(assembly.voting_closes_at)},
            url=assembly.url or "",
            estate=assembly.page_estate,
            dedupe_key=f"voting:assembly:{assembly.pk}:reminder:{days}",
        )
    audit.record(
        "assembly.reminded",
        obj=assembly,
        estate=assembly.page_estate,
        days=days,
        rights=waiting.count(),
        recipients=count,
    )
    return "reminded"


def close_assembly_voting(assembly_id: int) -> str:
    """Close voting at the scheduled time."""
    assembly = _assembly(assembly_id)
    if assembly is None or assembly.state != AssemblyState.OPEN:
        return "skipped"
    now = timezone.now()
    if now < assembly.voting_closes_at:
        lifecycle.sync_schedules(assembly, now=now)
        return "rescheduled"
    try:
        actions.close_voting(assembly, now=now)
    except ValidationError:
        return "skipped"  # closed meanwhile by the committee
    return "closed"


def tally_assembly(assembly_id: int) -> str:
    """Tally the closed assembly once and ask the committee to certify it by the due date."""
    assembly = _assembly(assembly_id)
    if assembly is None:
        return "skipped"
    if assembly.state == AssemblyState.OPEN:
        if close_assembly_voting(assembly_id) == "rescheduled":
            return "rescheduled"
        assembly = _assembly(assembly_id)
    if assembly.state != AssemblyState.CLOSED or _done_before("assembly.tallied", assembly):
        return "skipped"
    result = tally(assembly)
    audit.record(
        "assembly.tallied",
        obj=assembly,
        estate=assembly.page_estate,
        counted_ballots=result.counted,
        result_due_by=assembly.result_due_by,
    )
    notify(
        committee_of(assembly),
        category="assembly",
        title=fit_title(_("请核定表决结果：%(assembly)s") % {"assembly": assembly.title}),
        body=_("投票已结束并完成计票，请在 %(due)s 前核定结果并公布决议公告。")
        % {"due": _local(assembly.result_due_by)},
        url=reverse("voting:manage", args=[assembly.pk]),
        estate=assembly.page_estate,
        dedupe_key=f"voting:assembly:{assembly.pk}:tallied",
    )
    return "tallied"
