"""What a post may be and who may post now: blocks, the rate limit, the body's cleaning,
sensitive words and pre-moderation, tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.badges import badge_for
from deliberation.choices import PostStatus
from deliberation.models import (
    DeliberationSettings,
    Follow,
    Post,
    SensitiveWord,
    Tag,
    Thread,
    UserBlock,
)
from portal.community import permissions
from portal.community.models import Estate
from themes.sanitiser import clean_html, plain_text

if TYPE_CHECKING:
    from portal.accounts.types import User

BODY_MAX = 20_000
MAX_TAGS = 5


def rate_limit() -> tuple[int, int]:
    """Return (posts, seconds): at most that many posts per member in that window."""
    posts, seconds = getattr(settings, "DELIBERATION_POST_RATE_LIMIT", (5, 600))
    return int(posts), int(seconds)


def active_block(estate: Estate, user: User, *, now: datetime | None = None) -> UserBlock | None:
    blocks = UserBlock.objects.active(now).filter(estate=estate, user=user)
    return blocks.order_by("-until").first()


def check_may_post(estate: Estate, user: User, *, now: datetime | None = None) -> None:
    """Refuse (PermissionDenied / ValidationError with a clear message) a post not allowed now."""
    if not permissions.may(user, "deliberate", estate):
        raise PermissionDenied(_("只有本小区成员和相关责任方可以发言。"))
    now = now or timezone.now()
    block = active_block(estate, user, now=now)
    if block is not None:
        until = timezone.localtime(block.until).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            _("您在本小区已被禁言至 %(until)s，原因：%(reason)s。如有异议请联系版主。")
            % {"until": until, "reason": block.reason}
        )
    limit, window = rate_limit()
    recent = Post.objects.filter(
        author=user, created_at__gt=now - timedelta(seconds=window)
    ).count()
    if recent >= limit:
        raise ValidationError(
            _("发言太频繁了：每 %(minutes)s 分钟最多发 %(limit)s 条，请稍后再试。")
            % {"minutes": max(1, window // 60), "limit": limit}
        )


def clean_body(body: str) -> str:
    if len(body or "") > BODY_MAX:
        raise ValidationError({"body": _("内容过长（最多 %(n)s 字）。") % {"n": BODY_MAX}})
    cleaned = clean_html(body)
    if not plain_text(cleaned):
        raise ValidationError({"body": _("请填写内容。")})
    return cleaned


def hold_reason(estate: Estate, user: User, *texts: str) -> str:
    """Return why a post must wait for a moderator (sensitive word, pre-moderation), or ""."""
    if permissions.may(user, "moderate", estate):
        return ""
    haystack = " ".join(plain_text(t) if "<" in t else t for t in texts).lower()
    words = SensitiveWord.objects.filter(estate=estate).values_list("word", flat=True)
    if any(word and word in haystack for word in words):
        return _("内容含敏感词，待版主审核后显示")
    if DeliberationSettings.for_estate(estate).premoderation:
        return _("本小区实行先审后发，待版主审核后显示")
    return ""


def create_post(
    thread: Thread,
    user: User,
    body_html: str,
    *,
    parent: Post | None,
    held: str,
    now: datetime,
    is_opening: bool = False,
) -> Post:
    post = Post.objects.create(
        thread=thread,
        author=user,
        author_badge=badge_for(user, thread.estate),
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        is_opening=is_opening,
        body=body_html,
        status=PostStatus.HELD if held else PostStatus.PUBLISHED,
        held_reason=held,
        created_at=now,
    )
    if not held:
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_post_at=now)
    Follow.objects.get_or_create(thread=thread, user=user)
    return post


def resolve_tags(estate: Estate, names: Iterable[str]) -> list[Tag]:
    cleaned = []
    for name in names:
        name = (name or "").strip().lstrip("#")[:20]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("最多 %(n)s 个标签。") % {"n": MAX_TAGS}})
    return [Tag.objects.get_or_create(estate=estate, name=name)[0] for name in cleaned]
