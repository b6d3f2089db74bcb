"""Every state change of the notices domain has its one entry point here.

Notifications go straight through portal.notifications.api.notify; `_about(notice)` gives
what every notification about a notice says besides its title.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, membership, permissions
from portal.community.choices import Visibility
from portal.community.models import Building
from portal.notices import authorship, scope
from portal.notices.choices import Issuer, TimeState, Urgency
from portal.notices.models import Acknowledgement, NoticeIndexPage, NoticePage, fill_placeholders
from portal.notices.models.templates import (
    DISPLAY_DAYS,
    END,
    FIELD_PLACEHOLDERS,
    SCOPE,
    START,
)
from portal.notifications.actions import mark_read_about
from portal.notifications.api import fit_title, notify

if TYPE_CHECKING:
    from portal.accounts.types import AnyUser, User

REMINDER_TASK = "portal.notices.tasks.send_acknowledgement_reminder"


def _about(notice: NoticePage) -> dict[str, Any]:
    """Return what every notification about a notice says besides its title: the notice's
    summary, link, urgency and estate, and the notice itself as its subject."""
    return {
        "category": "notice",
        "body": notice.summary or notice.title,
        "url": notice.url or "",
        "urgency": notice.urgency,
        "estate": notice.page_estate,
        "subject": notice,
    }


@transaction.atomic
def acknowledge(notice: NoticePage, user: AnyUser) -> Acknowledgement:
    """Record the member's "已阅" on a notice once; a second call returns the first record.

    Refused (ValidationError, nothing stored) for a notice not published, not requiring
    acknowledgement or expired (see NoticePage.time_state), for non-members, and for members
    none of whose units is in the notice's scope.
    """
    estate = notice.page_estate
    if not notice.live:
        raise ValidationError(_("该公告尚未发布或已撤下。"))
    if not permissions.is_authenticated(user) or not permissions.may(user, "participate", estate):
        raise ValidationError(_("只有本小区的业主和住户可以确认已阅。"))
    if not notice.requires_acknowledgement:
        raise ValidationError(_("该公告不需要确认已阅。"))
    existing = Acknowledgement.objects.filter(notice=notice, user=user).first()
    if existing is not None:
        _mark_inbox_read(notice, user)
        return existing
    if notice.time_state() == TimeState.EXPIRED:
        raise ValidationError(_("该公告已过期，不能再确认已阅。"))
    unit = scope.unit_in_scope(user, notice)
    if unit is None:
        raise ValidationError(_("您的房屋不在通知范围内，无需确认。"))
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(notice=notice, user=user, unit=unit)
    except IntegrityError:
        # A double click that raced past the check above: the first one stands.
        return Acknowledgement.objects.get(notice=notice, user=user)
    audit.record(
        "notice.acknowledged",
        actor=user,
        obj=notice,
        estate=estate,
        unit_id=unit.pk,
        unit=unit.label,
    )
    _mark_inbox_read(notice, user)
    return acknowledgement


def _mark_inbox_read(notice: NoticePage, user: User) -> None:
    """Having acknowledged the notice, the member has read what the inbox told them of it."""
    mark_read_about(user, notice)


def notice_index(estate: Any) -> Any:
    """Return the estate's 公告 section (its NoticeIndexPage), or None if it has none."""
    return NoticeIndexPage.objects.descendant_of(estate.page).first()


@transaction.atomic
def publish_notice(
    index: Any,
    *,
    slug: str,
    title: str,
    summary: str,
    body: list[tuple[str, Any]],
    category: str,
    issuer: str,
    urgency: str,
    visibility: str,
    min_display_days: int,
    actor: Any,
    notification_category: str = "notice",
) -> NoticePage:
    """Create and publish a notice under the index on another app's behalf; return it.

    The public way for an app to put a notice on the board (the assembly's announcements and
    its 决议公告). The caller has checked the actor's right. The members hear of it once:
    with a notification_category of the caller's (say "assembly") they are told under it
    before the page goes live, under the key the publication's own announcement uses
    (on_notice_published), so that announcement reaches nobody twice.
    """
    notice = NoticePage(
        title=title[:255],
        slug=slug,
        category=category,
        issuer=issuer,
        urgency=urgency,
        summary=summary[:200],
        body=body,
        min_display_days=min_display_days,
        visibility=visibility,
        live=False,
    )
    index.add_child(instance=notice)
    if notification_category != "notice":
        recipients = list(scope.users_in_scope(notice))
        if recipients:
            notify(
                recipients,
                category=notification_category,
                title=notice.title,
                body=notice.summary,
                url=notice.url or "",
                urgency="normal",
                estate=notice.page_estate,
                dedupe_key=published_key(notice),
                actor=actor,
            )
    user = actor if getattr(actor, "is_authenticated", False) else None
    notice.save_revision(user=user, log_action=True).publish(user=user)
    notice.refresh_from_db()
    return notice


def published_key(notice: NoticePage) -> str:
    """Return the dedupe key of a notice's publication announcement (one per notice)."""
    return f"notice:{notice.pk}:published"


@transaction.atomic
def on_notice_published(notice: NoticePage, *, actor: User | None = None) -> None:
    """Audit a publication, notify everyone in scope and schedule the reminder.

    Called for every publication, including re-publishing an edit; the dedupe key keeps a
    member from being notified twice about the same notice. Wagtail also sends page_published
    when a revision is only *scheduled* (go_live_at in the future); nothing happens then, and
    publish_scheduled sends it again when the notice really goes live.
    """
    if not notice.live:
        return
    estate = notice.page_estate
    recipients = scope.users_in_scope(notice)
    audit.record(
        "notice.published",
        actor=actor,
        obj=notice,
        estate=estate,
        category=notice.category,
        urgency=notice.urgency,
        scope=notice.scope_label,
        requires_acknowledgement=notice.requires_acknowledgement,
    )
    notify(
        recipients,
        title=notice.title,
        dedupe_key=published_key(notice),
        actor=actor,
        **_about(notice),
    )
    if notice.requires_acknowledgement:
        schedule_reminder(notice)


def schedule_reminder(notice: NoticePage) -> Any:
    """Create (or move) the one django-q2 schedule that reminds non-readers of this notice."""
    from django_q.models import Schedule

    start = notice.first_published_at or timezone.now()
    run_at = max(start + timedelta(hours=notice.reminder_delay_hours), timezone.now())
    schedule, _created = Schedule.objects.update_or_create(
        name=f"notice:{notice.pk}:reminder",
        defaults={
            "func": REMINDER_TASK,
            "args": repr((notice.pk,)),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": run_at,
        },
    )
    return schedule


@transaction.atomic
def send_acknowledgement_reminders(notice: NoticePage) -> int:
    """Remind the members of units nobody has acknowledged yet; return how many were reminded.

    Nothing is sent for a notice that is no longer live, no longer needs acknowledgement
    or has expired.
    """
    if (
        not notice.live
        or not notice.requires_acknowledgement
        or notice.time_state() == TimeState.EXPIRED
    ):
        return 0
    readers = Acknowledgement.objects.filter(notice=notice).values("user_id")
    recipients = membership.users_of_units(
        scope.pending_units(notice), owners_only=notice.visibility == Visibility.OWNERS
    ).exclude(pk__in=readers)
    count = recipients.count()
    if count:
        notify(
            recipients,
            # The notice's title may fill a notification title on its own (NoticePage.clean).
            title=fit_title(_("请确认已阅：%(title)s") % {"title": notice.title}),
            dedupe_key=f"notice:{notice.pk}:reminder",
            **_about(notice),
        )
    audit.record("notice.reminded", obj=notice, estate=notice.page_estate, recipients=count)
    return count


def describe_moment(moment: datetime, *, same_day_as: datetime | None = None) -> str:
    """Return a time as a notice says it, in Beijing time: "2026年12月2日 09:00".

    An end on the day it began is just the hour ("…09:00至17:00").
    """
    local = timezone.localtime(moment)
    if same_day_as is not None and timezone.localtime(same_day_as).date() == local.date():
        return local.strftime("%H:%M")
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@transaction.atomic
def create_notice_from_template(
    parent: Any,
    template: Any,
    values: dict[str, str],
    *,
    actor: User,
    buildings: Iterable[Any] = (),
    effective_from: datetime | None = None,
    effective_until: datetime | None = None,
    display_days: int | None = None,
    issuer: str = "",
    urgency: str = "",
) -> NoticePage:
    """Create a draft notice from a scenario template; return it.

    The template's {楼栋}, {开始时间}, {结束时间} and {公示天数} are the notice's fields, not
    text: `buildings` set its scope (none: the whole estate), the times its effective window,
    `display_days` its 公示期, and their wording in the text is written from those fields.
    `values` fill the other placeholders. Issuer and urgency default from who is writing
    (portal.notices.authorship).

    Refused, creating nothing, when a placeholder has no value (all missing ones are named),
    a building is not the estate's, or the window ends before it starts.
    """
    from django.utils.html import escape
    from django.utils.text import slugify

    estate = parent.page_estate
    if estate is None or not permissions.may(actor, "edit_content", estate):
        raise ValidationError(_("您没有在该小区发布公告的权限。"))
    issuer = issuer or authorship.default_issuer(actor, estate)
    urgency = urgency or authorship.default_urgency(actor, estate, template)
    buildings = list(buildings)
    errors: list[str] = []
    if issuer not in Issuer.values:
        errors.append(_("请选择发布方。"))
    if urgency not in Urgency.values:
        errors.append(_("请选择紧急程度。"))
    typed_as_text = [name for name in FIELD_PLACEHOLDERS if (values.get(name) or "").strip()]
    if typed_as_text:
        errors.append(
            _("%(names)s 由通知范围、生效时间和公示期填写，请选择楼栋和时间，不要手写。")
            % {"names": "、".join("{" + name + "}" for name in typed_as_text)}
        )
    if any(not isinstance(b, Building) or b.estate_id != estate.pk for b in buildings):
        errors.append(_("只能选择本小区的楼栋。"))
    missing = [
        name
        for name, given in ((START, effective_from), (END, effective_until))
        if template.uses(name) and given is None
    ]
    if template.uses(DISPLAY_DAYS) and display_days is None:
        missing.append(DISPLAY_DAYS)
    if effective_from and effective_until and effective_until <= effective_from:
        errors.append(_("结束时间必须晚于开始时间。"))
    if display_days is not None and not 1 <= display_days <= 365:
        errors.append(_("公示期须在 1 到 365 天之间。"))
    text_values = {k: v for k, v in values.items() if k not in FIELD_PLACEHOLDERS}
    text_values[SCOPE] = "、".join(b.name for b in buildings) or str(_("全小区"))
    if effective_from is not None:
        text_values[START] = describe_moment(effective_from)
    if effective_until is not None:
        text_values[END] = describe_moment(effective_until, same_day_as=effective_from)
    if display_days is not None:
        text_values[DISPLAY_DAYS] = str(display_days)
    title, missing_in_title = fill_placeholders(template.title, text_values)
    body, missing_in_body = fill_placeholders(template.body, text_values)
    missing = list(dict.fromkeys([*missing, *missing_in_title, *missing_in_body]))
    if missing:
        errors.insert(
            0,
            _("以下内容尚未填写：%(names)s")
            % {"names": "、".join("{" + name + "}" for name in missing)},
        )
    if errors:
        raise ValidationError(errors)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    base_slug = slugify(title, allow_unicode=True)[:60] or "notice"
    slug, n = base_slug, 1
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while slug in siblings:
        n += 1
        slug = f"{base_slug}-{n}"
    notice = NoticePage(
        title=title[:255],
        slug=slug,
        category=template.category,
        issuer=issuer,
        urgency=urgency,
        body=[("paragraph", "<p>" + escape(p).replace("\n", "<br>") + "</p>") for p in paragraphs],
        effective_from=effective_from,
        effective_until=effective_until,
        live=False,
    )
    if display_days is not None:
        notice.min_display_days = display_days
    parent.add_child(instance=notice)
    if buildings:
        notice.buildings.set(buildings)
        notice.save()
    notice.save_revision(user=actor, log_action=True)
    audit.record(
        "notice.drafted_from_template",
        actor=actor,
        obj=notice,
        estate=estate,
        template_id=template.pk,
        issuer=issuer,
        urgency=urgency,
        scope=[b.name for b in buildings],
    )
    return notice
