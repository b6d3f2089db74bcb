"""Photos of issue reports: checked before the report exists, stored with its opening post.

The cleaning (content check, upright, resized, no EXIF) is portal.community.photos; who sees
them is `permissions.may(user, "view_photos", post)`, so they follow the post's moderation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deliberation.choices import ThreadKind
from deliberation.models import Post, PostPhoto
from portal.community import permissions
from portal.community.photos import CleanPhoto, clean_photos


def clean_report_photos(kind: str, photos: Sequence[Any]) -> list[CleanPhoto]:
    """Return the photos of a new thread cleaned; refuse (keyed "photos") bad ones, or any
    photo on a thread that is not an issue report."""
    if not photos:
        return []
    if kind != ThreadKind.ISSUE:
        raise ValidationError({"photos": _("只有问题反映（报修、投诉、建议）可以附照片。")})
    try:
        return clean_photos(photos)
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from error


def attach_photos(post: Post, photos: Sequence[CleanPhoto]) -> list[PostPhoto]:
    """Store the cleaned photos with the post (inside the caller's transaction)."""
    return PostPhoto.store(photos, post=post, created_at=post.created_at) if photos else []


def annotate_photos(posts: Iterable[Post], user: Any) -> None:
    """Set `post.photo_list` (the photos this reader may see, else []) on each post: one query."""
    posts = list(posts)
    by_post: dict[int, list[PostPhoto]] = {}
    if posts:
        for photo in PostPhoto.objects.filter(post__in=posts).order_by("position", "pk"):
            by_post.setdefault(photo.post_id, []).append(photo)
    for post in posts:
        photos = by_post.get(post.pk, [])
        post.photo_list = photos if photos and permissions.may(user, "view_photos", post) else []
