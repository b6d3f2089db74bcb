"""Signal receivers: thin, each hands over to one action or setup function."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from portal.notices import actions
from portal.notices.models import NoticeIndexPage, NoticePage
from portal.notices.workflows import ensure_estate_notices


@receiver(page_published, sender=NoticePage)
def notice_published(sender, instance: NoticePage, revision=None, **kwargs) -> None:
    actor = getattr(revision, "user", None) if revision is not None else None
    actions.on_notice_published(instance, actor=actor)


@receiver(post_save, sender=NoticeIndexPage)
def notice_index_created(sender, instance: NoticeIndexPage, created: bool, **kwargs) -> None:
    # create_estate adds the notice index under the estate page; set up its workflow then.
    if not created or kwargs.get("raw"):
        return

    estate = instance.page_estate
    if estate is not None:
        ensure_estate_notices(estate)
