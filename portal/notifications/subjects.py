"""What a notification may show of the content it is about, asked when it is shown or sent.

A notification about someone's content (a reply, an official answer, a hidden post, a
notice) refers to the content (`NotificationBatch.subject`) and never copies its words.
The app that owns the content registers how to describe it, in `<app>/notification_subjects.py`
(imported by NotificationsConfig.ready, as search imports `search_documents`):

    from portal.notifications.subjects import SubjectText, register

    def describe_posts(ids):                    # many at once: one query per kind of content
        return {post.pk: SubjectText(shown=..., heading=..., excerpt=..., withheld=...)
                for post in Post.objects.filter(pk__in=ids)}

    register(Post, describe_posts)

The describer asks its app's one visibility rule (for posts, deliberation.visibility), so the
inbox, the immediate email, the daily digest and the SMS show the content exactly as the
page does at that moment: hidden text disappears from all of them when it is hidden, and
comes back if an appeal restores it. Content without a describer cannot be a subject.

Members-only content (a thread, a post, a proposal) names its estate (`SubjectText.estate_id`):
only a reader who may read that estate's members' area (`permissions.may(reader,
"view_members", estate)`, the rule of the pages it comes from) is told of it or reads it, so
a tenant who moved out or an owner who sold their flat neither receives it any more nor
keeps reading its words in the inbox, the digest or the copy of their data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from portal.community import permissions
from portal.community.models import Estate


@dataclass(frozen=True)
class SubjectText:
    """The content's state right now, as much of it as may be shown."""

    shown: bool
    heading: str = ""  # e.g. the thread's title, appended to the notification's title
    excerpt: str = ""  # the content's own words, quoted when the batch quotes its subject
    withheld: str = ""  # the tombstone when it is not shown ("该内容已被隐藏（原因：…）")
    # Members-only content of this estate: read only by who may read its members' area.
    estate_id: int | None = None


@dataclass(frozen=True)
class Message:
    """A notification as one person reads it now: title and body with the subject applied."""

    title: str
    body: str
    # The batch quotes content that is not shown now: outbound channels do not send it.
    withheld: bool = False
    # The reader may no longer read the subject at all: outbound channels do not send it.
    unreadable: bool = False


Describe = Callable[[list[int]], dict[int, SubjectText]]

_registry: dict[str, Describe] = {}


def register(model: type[models.Model], describe: Describe) -> None:
    """Let objects of the model be notification subjects, described by `describe(ids)`."""
    _registry[model._meta.label_lower] = describe


def is_registered(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _registry


def _missing() -> SubjectText:
    # Deleted content, or a kind nobody describes: show nothing of it.
    return SubjectText(shown=False, withheld=_("该内容已无法查看"))


def _not_for_reader() -> SubjectText:
    # Members-only content of an estate the reader does not (or no longer) belong to.
    return SubjectText(shown=False, withheld=_("您已无权查看该内容"))


def readers_among(text: SubjectText, users: Iterable[Any]) -> set[int]:
    """Return the ids of the users who may read the subject now (everyone for content that
    is not members-only). One statement for their roles, whatever their number."""
    users = list(users)
    if text.estate_id is None:
        return {user.pk for user in users}
    estate = Estate.objects.select_related("community").filter(pk=text.estate_id).first()
    if estate is None:
        return set()
    permissions.read_roles(users)
    return {user.pk for user in users if permissions.may(user, "view_members", estate)}


def unreadable_by(reader: Any, texts: dict[int, SubjectText]) -> set[int]:
    """Return the keys of the texts about members-only content of an estate this reader may
    not read (one statement for the estates, whatever their number)."""
    wanted = {text.estate_id for text in texts.values() if text.estate_id is not None}
    if not wanted:
        return set()
    estates = Estate.objects.select_related("community").in_bulk(wanted)
    allowed = {pk for pk, e in estates.items() if permissions.may(reader, "view_members", e)}
    return {
        key
        for key, text in texts.items()
        if text.estate_id is not None and text.estate_id not in allowed
    }


def describe_batches(batches: Iterable[Any]) -> dict[int, SubjectText]:
    """Return the subject's current text per batch pk (batches without a subject left out).

    One query per kind of content, whatever the number of batches.
    """
    wanted: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for batch in batches:
        if batch.subject_type_id is not None and batch.subject_id is not None:
            wanted[batch.subject_type_id][batch.subject_id].append(batch.pk)
    texts: dict[int, SubjectText] = {}
    for type_id, by_subject in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        describe = _registry.get(model._meta.label_lower) if model is not None else None
        described = describe(sorted(by_subject)) if describe is not None else {}
        for subject_id, batch_ids in by_subject.items():
            text = described.get(subject_id) or _missing()
            for batch_id in batch_ids:
                texts[batch_id] = text
    return texts


def _in_reader_language(stored: str) -> str:
    """Return stored portal wording in the reader's language when it is one of our messages.

    Titles and bodies that no longer carry a member's words ("有新回复", "您的发言已被隐藏")
    are plain message ids, so they translate when shown; anything else reads as stored.
    """
    return _(stored) if stored else ""  # gettext("") would return the catalogue header


def compose(batch: Any, text: SubjectText | None, *, readable: bool = True) -> Message:
    """Return the batch as it reads now, given its subject's current text (None: no subject);
    `readable` False: the reader may not read the subject (for_reader withheld it)."""
    title, body = _in_reader_language(batch.title), _in_reader_language(batch.body)
    if text is None:
        return Message(title=title, body=body)
    if text.heading:
        title = _("%(what)s：%(subject)s") % {"what": title, "subject": text.heading}
    # The content's state comes first (its words, or why they are missing), then ours.
    lines = []
    if not text.shown:
        lines.append(text.withheld or _missing().withheld)
    elif batch.quote_subject and text.excerpt:
        lines.append(text.excerpt)
    if body:
        lines.append(body)
    return Message(
        title=title,
        body="\n".join(lines),
        withheld=batch.quote_subject and not text.shown,
        unreadable=not readable,
    )


def messages_for(batches: Iterable[Any], *, reader: Any = None) -> dict[int, Message]:
    """Return each batch as it reads now, by batch pk (one query per kind of subject).

    With a reader (the inbox, the digest, the copy of one's data), a members-only subject
    the reader may not read is withheld, heading and all, and the message is `unreadable`.
    """
    batches = list(batches)
    texts = describe_batches(batches)
    barred = unreadable_by(reader, texts) if reader is not None else set()
    return {
        batch.pk: compose(batch, _not_for_reader(), readable=False)
        if batch.pk in barred
        else compose(batch, texts.get(batch.pk))
        for batch in batches
    }


def message_for(batch: Any) -> Message:
    """Return one batch as it reads now (to no reader in particular)."""
    return messages_for([batch])[batch.pk]


def subject_text(batch: Any) -> SubjectText | None:
    """Return the batch's subject as it stands now (None for a batch without a subject)."""
    return describe_batches([batch]).get(batch.pk)
