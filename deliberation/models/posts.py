"""Posts and their edit history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.choices import PostStatus, ReportReason
from deliberation.models.threads import Thread
from portal.community import moderation_seen
from portal.community.choices import Party

MAX_DEPTH = 2  # post → reply → reply to a reply


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deliberation_posts"
    )
    # The author's standing when they wrote it (业主 · 3栋, 物业…), kept as it was then.
    author_badge = models.CharField(_("身份"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    is_opening = models.BooleanField(default=False)
    body = models.TextField(_("内容"))  # cleaned by themes.sanitiser.clean_html
    status = models.CharField(
        _("状态"), max_length=20, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    held_reason = models.CharField(_("待审原因"), max_length=200, blank=True)
    official_party = models.CharField(
        _("官方答复方"), max_length=20, choices=Party.choices, blank=True
    )
    official_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(
        _("隐藏原因"), max_length=20, choices=ReportReason.choices, blank=True
    )
    hidden_note = models.CharField(_("隐藏说明"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    review_pending = models.BooleanField(_("待复核"), default=False)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("发言")
        verbose_name_plural = _("发言")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "depth", "created_at"], name="post_thread_order"),
            models.Index(fields=["author", "created_at"], name="post_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=0, depth__lte=MAX_DEPTH), name="post_depth_at_most_two"
            ),
            models.CheckConstraint(
                condition=Q(depth=0, parent__isnull=True) | Q(depth__gt=0, parent__isnull=False),
                name="post_reply_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.thread_id}"

    @property
    def is_held(self) -> bool:
        """Waiting for a moderator: listed only for its author and the moderators."""
        return self.status == PostStatus.HELD

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.PUBLISHED

    @property
    def is_hidden(self) -> bool:
        """Hidden by a moderator: a placeholder shows, the text only to those who may read it."""
        return self.status == PostStatus.HIDDEN

    @property
    def is_deleted(self) -> bool:
        """Deleted by its author: a tombstone shows in its place."""
        return self.status == PostStatus.DELETED

    @property
    def is_official(self) -> bool:
        return bool(self.official_party)

    @property
    def seen_fingerprint(self) -> str:
        """The version of its words a moderator's approval names (portal.community.moderation_seen)."""
        return moderation_seen.of_post(self)


class PostRevision(models.Model):
    """A post's body as it was before an edit (the author edits; moderators read the history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.post_id} · {self.created_at:%Y-%m-%d %H:%M}"
