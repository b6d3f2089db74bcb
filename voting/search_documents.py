"""Assembly meetings and their motions in the search index (see search.registry).

A meeting is searchable once its notice is published (not while a draft being prepared);
each motion is a document of its own, pointing at its place on the meeting page.
"""

from __future__ import annotations

from portal.community.choices import Party
from search.choices import DocumentKind
from search.pages import page_audience, page_url
from search.registry import Document, register
from voting.choices import AssemblyState
from voting.models import AssemblyPage, Motion


def _announced_audience(page: AssemblyPage):
    if page.state == AssemblyState.DRAFT:
        return None
    return page_audience(page)


def assembly_document(page: AssemblyPage) -> Document | None:
    audience = _announced_audience(page)
    if audience is None:
        return None
    estate, visibility = audience
    motions = "\n".join(motion.title for motion in page.motions.all())
    return Document(
        kind=DocumentKind.ASSEMBLY,
        title=page.title,
        body="\n".join(part for part in (page.intro, motions) if part),
        url=page_url(page),
        estate=estate,
        visibility=visibility,
        party=Party.COMMITTEE,
        date=page.notice_published_at or page.first_published_at,
    )


def motion_document(motion: Motion) -> Document | None:
    page = AssemblyPage.objects.filter(pk=motion.page_id).first()
    if page is None:
        return None
    audience = _announced_audience(page)
    if audience is None:
        return None
    estate, visibility = audience
    parts = [motion.text, motion.get_matter_display(), motion.get_kind_display()]
    if motion.is_election:
        parts.append("、".join(motion.candidate_name_list()))
    return Document(
        kind=DocumentKind.ASSEMBLY,
        title=f"{motion.title}（{page.title}）",
        body="\n".join(part for part in parts if part),
        url=f"{page_url(page)}#motion-{motion.pk}",
        estate=estate,
        visibility=visibility,
        party=Party.COMMITTEE,
        date=page.notice_published_at or page.first_published_at,
    )


register(AssemblyPage, assembly_document, related=lambda page: page.motions.all())
register(Motion, motion_document)
