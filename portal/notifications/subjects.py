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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SubjectText:
    """The content's state right now, as much of it as may be shown."""

    shown: bool
    heading: str = ""  # e.g. the thread's title, appended to the notification's title
    excerpt: str = ""  # the content's own words, quoted when the batch quotes its subject
    withheld: str = ""  # the tombstone when it is not shown ("该内容已被隐藏（原因：…）")


@dataclass(frozen=True)
class Message:
    """A notification as one person reads it now: title and body with the subject applied."""

    title: str
    body: str
    # The batch quotes content that is not shown now: outbound channels do not send it.
    withheld: bool = False


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


def compose(batch: Any, text: SubjectText | None) -> Message:
    """Return the batch as it reads now, given its subject's current text (None: no subject)."""
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
    )


def messages_for(batches: Iterable[Any]) -> dict[int, Message]:
    """Return each batch as it reads now, by batch pk (one query per kind of subject)."""
    batches = list(batches)
    texts = describe_batches(batches)
    return {batch.pk: compose(batch, texts.get(batch.pk)) for batch in batches}


def message_for(batch: Any) -> Message:
    """Return one batch as it reads now."""
    return messages_for([batch])[batch.pk]
