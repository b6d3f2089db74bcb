"""What the petition acts share: the lock, the refusals, recipients, the notification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.community import membership
from portal.community.models import Estate, OwnerIdentity
from portal.notifications.api import notify
from voting.petition_rules import adds_a_head
from voting.petitions import counting
from voting.petitions.choices import PetitionState
from voting.petitions.models import Petition, PetitionSettings, PetitionSignature


def not_an_owner() -> str:
    return _(
        "只有本小区已认证的业主可以发起或签署临时会议提议；租户、未认证用户和其他小区的业主不能签名。"
    )


def notify_about(
    recipients,
    *,
    title: str,
    body: str,
    url: str,
    estate,
    key: str,
    subject: Petition,
    actor=None,
    urgency="normal",
):
    """Send through the one notification path, about the petition: its title is never
    copied in; the inbox and every channel show it as it stands (notification_subjects)."""
    recipients = [r for r in recipients if r is not None]
    if recipients:
        notify(
            recipients,
            category="assembly",
            title=title[:100],
            body=body,
            url=url,
            urgency=urgency,
            estate=estate,
            dedupe_key=key,
            actor=actor,
            subject=subject,
        )


def user_ids(estate: Estate, *parties: str) -> list[int]:
    """Return the users of the committee / residents' committee / sub-district over the estate."""
    return sorted({pk for party in parties for pk in membership.party_user_ids(estate, party)})


def users_by_ids(ids: list[int]):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids))


def lock_petition(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update()
        .select_related("estate__community")
        .prefetch_related("events")
        .get(pk=petition.pk)
    )


def refuse_unless_open(petition: Petition) -> None:
    state = petition.state
    if state == PetitionState.WITHDRAWN:
        raise ValidationError(_("该提议已由发起人撤回，不能再签名。"))
    if state != PetitionState.OPEN:
        raise ValidationError(
            _("该提议已达到法定比例，已交业主委员会召集临时会议，不再接受签名或撤回。")
        )


def refuse_second_signature(petition: Petition, identity: OwnerIdentity, heads) -> None:
    earlier = PetitionSignature.objects.filter(petition=petition, identity=identity).first()
    if earlier is not None:
        if hasattr(earlier, "withdrawal"):
            raise ValidationError(_("您已撤回对该提议的签名，撤回后不能再次签名。"))
        raise ValidationError(_("您已经签过名了，同一业主只能签名一次。"))
    if not adds_a_head(heads, counting.signer_ids(petition), identity.pk):
        raise ValidationError(
            _(
                "您名下的房屋已由共有人签名。按最高人民法院司法解释第九条，"
                "同一业主（含共有人）只计一人，不能重复签名。"
            )
        )


def settings_of(estate: Estate) -> PetitionSettings:
    return PetitionSettings.for_estate(estate)
