"""Posts and threads as notification subjects (see portal.notifications.subjects).

What a notification shows of a post or thread is asked of deliberation.visibility each time
it is shown in the inbox or sent by email, digest or SMS, never copied when it is made. The
discussion area is members-only: each text names its estate, so only who may read that area
is told of it or reads it (portal.notifications.subjects).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from deliberation import visibility
from deliberation.models import Post, Thread
from portal.notifications.subjects import SubjectText, register


def describe_posts(ids: list[int]) -> dict[int, SubjectText]:
    """Return each post's heading (its thread's title), excerpt or tombstone, as it stands."""
    texts = {}
    for post in Post.objects.filter(pk__in=ids).select_related("thread"):
        heading = post.thread.title if visibility.title_is_shown(post.thread) else ""
        estate_id = post.thread.estate_id
        if visibility.is_shown(post):
            texts[post.pk] = SubjectText(
                shown=True, heading=heading, excerpt=visibility.excerpt(post), estate_id=estate_id
            )
        else:
            texts[post.pk] = SubjectText(
                shown=False,
                heading=heading,
                withheld=visibility.withheld_line(post),
                estate_id=estate_id,
            )
    return texts


def describe_threads(ids: list[int]) -> dict[int, SubjectText]:
    """Return each thread's title while its opening post is shown, else a tombstone."""
    texts = {}
    for thread in Thread.objects.filter(pk__in=ids):
        if visibility.title_is_shown(thread):
            texts[thread.pk] = SubjectText(
                shown=True, heading=thread.title, estate_id=thread.estate_id
            )
        else:
            texts[thread.pk] = SubjectText(
                shown=False,
                withheld=_("该议题的首帖已隐藏、删除或待审核，内容不再显示"),
                estate_id=thread.estate_id,
            )
    return texts


register(Post, describe_posts)
register(Thread, describe_threads)
