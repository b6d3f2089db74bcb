"""Can this content be shown? The one answer for every copy of a post or a thread's title.

A post's words are shown only while it is published. Held (sensitive word, pre-moderation),
hidden (reports, a moderator) and deleted posts leave a tombstone on the thread page, and
every copy of their words follows the same rule at the moment it is read or sent: inbox
items, emails and digests, SMS, search, the dashboard, agenda links. A thread's title (and
its tags) was written with its opening post, so it is shown only while that post is.

Nothing else decides this: the thread page, `deliberation.notification_subjects` (inbox,
email, digest, SMS), `deliberation.search_documents`, the dashboard drill-down and the
agenda references all ask the functions here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliberation.choices import PostStatus, ReportReason
from themes.sanitiser import plain_text

EXCERPT_LENGTH = 140


def is_shown(post: Any) -> bool:
    """Return whether the post's words may be shown to its readers and copied anywhere."""
    return post.status == PostStatus.PUBLISHED


def shown_posts(posts: QuerySet) -> QuerySet:
    """Narrow a Post queryset to the posts whose words may be shown (the same rule, in SQL)."""
    return posts.filter(status=PostStatus.PUBLISHED)


def title_is_shown(thread: Any) -> bool:
    """Return whether the thread's title may be shown: its opening post is published.

    The thread's tags were written with its title, by the same hand: they follow it.
    """
    return not thread.is_held and not thread.title_withheld


def shown_tags(thread: Any) -> list[Any]:
    """Return the thread's tags while its title is shown, else none (they are its words)."""
    return list(thread.tags.all()) if title_is_shown(thread) else []


def tagged(threads: QuerySet, name: str) -> QuerySet:
    """Narrow threads to those showing the tag: a withheld title withholds its tags too."""
    return threads.filter(tags__name=name, is_held=False, title_withheld=False)


def title_withheld_by(post: Any) -> bool:
    """Return whether this post, as it stands, withholds its thread's title (an opening post
    that is not published). Actions store the answer on the thread (Thread.title_withheld)."""
    return post.is_opening and not is_shown(post)


def shown_title(thread: Any) -> str:
    """Return the thread's title, or a placeholder while its opening post is not shown."""
    if title_is_shown(thread):
        return thread.title
    if thread.is_held:
        return _("（该议题待版主审核）")
    return _("（该议题的首帖已隐藏或删除）")


def withheld_line(post: Any) -> str:
    """Return the tombstone of a post that is not shown: why its words are missing."""
    if post.status == PostStatus.DELETED:
        return _("该内容已被作者删除")
    if post.status == PostStatus.HELD:
        return _("该内容待版主审核")
    if post.status == PostStatus.HIDDEN:
        reason = ReportReason(post.hidden_reason).label if post.hidden_reason else ""
        if reason:
            return _("该内容已被隐藏（原因：%(reason)s）") % {"reason": reason}
        return _("该内容已被隐藏")
    return ""


def excerpt(post: Any, length: int = EXCERPT_LENGTH) -> str:
    """Return the post's words as a short plain-text excerpt, or "" when it is not shown."""
    if not is_shown(post):
        return ""
    text = plain_text(post.body)
    return text if len(text) <= length else text[: length - 1] + "…"
