"""Hostile input through every user text field of the discussion area (shared with e2e).

Each payload goes in as: a thread title and a tag, a post body (and an edit of it), a
report's detail, an appeal, a satisfaction comment, a reassignment reason and a block
reason. `seed_xss` returns the pages that show them, for the storage and browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse

from deliberation import actions
from deliberation.models import Post, Thread
from portal.community.choices import Party

PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "fixtures" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
MARKER = "安全文字"


@dataclass
class Seeded:
    issues: list[Thread] = field(default_factory=list)
    reported: list[Post] = field(default_factory=list)
    appealed: list[Post] = field(default_factory=list)
    edited: Post | None = None
    urls: list[str] = field(default_factory=list)
    # One of `urls` of each kind (see seed_xss), for checks of the template, not the text.
    representative_urls: list[str] = field(default_factory=list)


def seed_xss(estate, *, owner, tenant, property_staff, moderator) -> Seeded:
    """Put every payload through every field; return what was made and the pages to open."""
    seeded = Seeded()
    slug = estate.slug
    for i, payload in enumerate(PAYLOADS):
        thread = actions.start_thread(
            estate,
            owner,
            kind="issue",
            category="repair",
            title=payload[:120],
            body=f"{MARKER}{i} {payload}",
            tags=[payload[:20]],
        )
        actions.assign(thread, property_staff, party=Party.COMMITTEE, reason=payload[:300])
        actions.assign(thread, moderator, party=Party.PROPERTY, reason=f"退回物业 {payload}"[:300])
        actions.mark_resolved(thread, property_staff, note="已更换漏水的屋面防水卷材。")
        actions.rate(thread, owner, score=1 + i % 5, comment=payload[:500])
        seeded.issues.append(thread)
    reports_in = actions.start_thread(estate, owner, kind="topic", title="举报测试", body="举报")
    appeals_in = actions.start_thread(estate, owner, kind="topic", title="申诉测试", body="申诉")
    for i, payload in enumerate(PAYLOADS):
        post = actions.add_post(reports_in, tenant, body=f"{MARKER}{i} {payload}")
        actions.report_post(post, owner, reason="abuse", detail=payload[:300])
        seeded.reported.append(post)
        hidden = actions.add_post(appeals_in, tenant, body=f"{MARKER}{i} {payload}")
        actions.hide_post(hidden, moderator, reason="abuse", note=payload[:300])
        actions.appeal(hidden, tenant, text=payload)
        seeded.appealed.append(hidden)
    edited = actions.add_post(reports_in, owner, body="将被多次修改")
    for payload in PAYLOADS:
        actions.edit_post(edited, owner, body=f"{MARKER} {payload}")
    seeded.edited = edited
    for payload in PAYLOADS:
        actions.block_user(estate, moderator, tenant, days=3, reason=payload[:300])

    list_pages = -(-Thread.objects.filter(estate=estate).count() // 20)
    seeded.urls += [
        reverse("deliberation:thread_list", args=[slug]) + f"?page={n}"
        for n in range(1, list_pages + 1)
    ]
    for thread in (reports_in, appeals_in):
        pages = -(-thread.posts.filter(depth=0).count() // 50)
        base = reverse("deliberation:thread_detail", args=[slug, thread.pk])
        seeded.urls += [f"{base}?page={n}" for n in range(1, pages + 1)]
    queue = reverse("deliberation:moderation_queue", args=[slug])
    seeded.urls += [f"{queue}?page={n}" for n in range(1, 4)]
    seeded.urls.append(reverse("deliberation:post_history", args=[slug, edited.pk]))
    seeded.urls += [reverse("deliberation:thread_detail", args=[slug, t.pk]) for t in seeded.issues]
    # The first page of the thread list, of the reported and the appealed thread and of the
    # moderation queue; the post history; the first issue (assignments, resolution, rating).
    seeded.representative_urls = [url for url in seeded.urls if url.endswith("?page=1")] + [
        reverse("deliberation:post_history", args=[slug, edited.pk]),
        reverse("deliberation:thread_detail", args=[slug, seeded.issues[0].pk]),
    ]
    return seeded
