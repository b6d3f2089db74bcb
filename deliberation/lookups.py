"""Permission-checked lookups of threads and posts: views fetch them through these only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.models import Page

from deliberation.actions import may_attach_page
from deliberation.models import Post, PostPhoto, Thread
from portal.community import permissions
from portal.community.lookups import get_estate_for_member


def get_thread(request, estate_slug: str, pk: int) -> Thread:
    """Return the thread if the reader may read the estate's discussion area (403 otherwise).

    A thread still held for review is shown only to its author and the moderators.
    """
    estate = get_estate_for_member(request, estate_slug)
    thread = get_object_or_404(
        Thread.objects.select_related("author", "page"), pk=pk, estate=estate
    )
    thread.estate = estate
    if thread.is_held and not permissions.may(request.user, "view_held_thread", thread):
        raise Http404
    return thread


def get_attachable_page(request, estate, page_id: object) -> Page | None:
    """Return the page a new thread would name, or None when the poster may not attach it.

    None for a missing id, a draft, another estate's page or one the poster may not open,
    alike, so the form never prints (or confirms) a title the poster may not see.
    """
    if not page_id or not str(page_id).isdigit():
        return None
    page = Page.objects.filter(pk=int(str(page_id))).first()
    if page is None or not may_attach_page(request.user, estate, page):
        return None
    return page.specific


def get_post(request, estate_slug: str, pk: int) -> Post:
    estate = get_estate_for_member(request, estate_slug)
    post = get_object_or_404(
        Post.objects.select_related("thread", "author"), pk=pk, thread__estate=estate
    )
    post.thread.estate = estate
    return post


def get_post_photo(request, estate_slug: str, thread_pk: int, photo_id: int) -> PostPhoto:
    """Return a photo of a post in the thread if the reader may see that post's photos
    (`view_photos`: it follows the post's moderation); 403, or sign in first, otherwise."""
    thread = get_thread(request, estate_slug, thread_pk)
    photo = get_object_or_404(
        PostPhoto.objects.select_related("post"), pk=photo_id, post__thread=thread
    )
    photo.post.thread = thread
    permissions.require(request.user, permissions.may(request.user, "view_photos", photo.post))
    return photo
