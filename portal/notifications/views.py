"""The inbox and the notification preferences page: thin views over lookups and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import wechat
from portal.notifications import actions, channels, subjects
from portal.notifications.choices import Channel, EmailMode, NotificationCategory
from portal.notifications.context_processors import forget_unread_count
from portal.notifications.forms import PreferencesForm
from portal.notifications.lookups import get_notification_for_reader, inbox_items
from portal.notifications.preferences import preferences_of

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request):
    """List the reader's notifications: unread first, then newest first.

    Each item reads as its subject stands now, to this reader (portal.notifications.subjects):
    the words of a post hidden since are not shown, and come back if it is restored; nor are
    those of an estate the reader has left.
    """
    items = (
        inbox_items(request.user)
        .annotate(
            unread_first=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
        )
        .order_by("-unread_first", "-created_at", "-pk")
    )
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    shown = subjects.messages_for(
        (item.batch for item in page_obj.object_list), reader=request.user
    )
    for item in page_obj.object_list:
        item.message = shown[item.batch_id]
    return render(request, "notifications/inbox.html", {"page_obj": page_obj})


@login_required
@require_GET
def open_notification(request, pk: int):
    """Mark the item read and follow its link (back to the inbox when it has none)."""
    notification = get_notification_for_reader(request, pk)
    actions.mark_read(notification)
    url = notification.batch.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = actions.mark_all_read(request.user)
    forget_unread_count(request)
    if count:
        messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Show and save which categories come by email, SMS and WeChat, and how email arrives."""
    current = preferences_of(request.user.pk)
    if request.method == "POST":
        form = PreferencesForm(request.POST, preferences=current)
        if form.is_valid():
            turned_off = actions.save_preferences(
                request.user, email_mode=form.cleaned_data["email_mode"], enabled=form.enabled()
            )
            messages.success(request, _("通知偏好已保存。"))
            _explain_what_still_arrives(request, turned_off, form.cleaned_data["email_mode"])
            return redirect("notifications:preferences")
        messages.error(request, _("通知偏好未保存，请按提示修改。"))
    else:
        form = PreferencesForm(preferences=current)
    user = request.user
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(user.email),
            "has_verified_phone": channels.has_verified_phone(user),
            "has_wechat": wechat.is_bound(user),
        },
    )


def _explain_what_still_arrives(request, turned_off: list, email_mode: str) -> None:
    """Say plainly that switching a channel off does not silence urgent notices."""
    labels = dict(NotificationCategory.choices)
    sms_off = [str(labels[category]) for category, channel in turned_off if channel == Channel.SMS]
    if sms_off:
        messages.warning(
            request,
            _(
                "您关闭了「%(categories)s」的短信通知。紧急通知（如停水停电等紧急公告）"
                "仍会通过短信和站内信发送给您，这一项无法关闭；一般和重要通知不再发短信。"
            )
            % {"categories": _("、").join(sms_off)},
        )
    wechat_off = [
        str(labels[category]) for category, channel in turned_off if channel == Channel.WECHAT
    ]
    if wechat_off:
        messages.warning(
            request,
            _(
                "您关闭了「%(categories)s」的微信通知。紧急通知仍会通过微信发送给您，"
                "这一项无法关闭。"
            )
            % {"categories": _("、").join(wechat_off)},
        )
    if email_mode == EmailMode.OFF:
        messages.warning(
            request,
            _("您不再接收邮件。所有通知仍会送到站内信，紧急通知仍会发送短信。"),
        )
