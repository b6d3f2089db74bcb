"""Photos attached to a post: an issue report's pictures of the problem (报修照片)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.models.posts import Post
from portal.community.photos import PhotoBase


class PostPhoto(PhotoBase):
    """One cleaned photo of a post (see portal.community.photos), shown with the post's words:
    readers ask `may(user, "view_photos", post)`, so it follows the post's moderation."""

    photo_folder = "deliberation/photos"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="photos")

    class Meta(PhotoBase.Meta):
        verbose_name = _("发言照片")
        verbose_name_plural = _("发言照片")

    def __str__(self) -> str:
        return f"#{self.post_id} · {self.position + 1}"
