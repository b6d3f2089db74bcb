"""Notifications made before they referred to posts: refer them, and drop the copied words.

Earlier deliberation notifications copied a thread's title into their title and a reply's
excerpt into their body, so hiding the post left its words in people's inboxes. Each such
batch is recognised by its dedupe key, pointed at its post or thread (the inbox now reads
the words through deliberation.visibility), and given the portal's own title and body, as
the current code writes them. Idempotent: only batches without a subject are touched.
The copies are not put back on reversal.
"""

import re

from django.db import migrations

POST_KEY = re.compile(r"^deliberation:post:(\d+):(new|official|hidden|held|auto-hidden)(?::|$)")
THREAD_KEY = re.compile(
    r"^deliberation:thread:(\d+):(assigned|assignment|resolved|reopened|escalation)(?::(\w+))?"
)
APPEAL_KEY = re.compile(r"^deliberation:appeal:(\d+):(filed|decided)$")
THREAD_TITLES = {
    "assigned": "新的问题反映",
    "assignment": "问题改派给您方处理",
    "resolved": "您反映的问题已处理",
    "reopened": "问题被重新打开",
}
ESCALATION_TITLES = {
    "response": "问题反映首次响应逾期，请督办",
    "closure": "问题反映办结逾期，请督办",
}
APPEAL_HINT = "如有异议，可在议题页面对该发言申诉一次。"


def refer(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    NotificationBatch = apps.get_model("notifications", "NotificationBatch")
    Post = apps.get_model("deliberation", "Post")
    Thread = apps.get_model("deliberation", "Thread")
    Appeal = apps.get_model("deliberation", "Appeal")
    batches = NotificationBatch.objects.filter(
        category="deliberation", subject_type__isnull=True
    ).only("pk", "dedupe_key", "title", "body")
    if not batches.exists():
        return
    post_type, _ = ContentType.objects.get_or_create(app_label="deliberation", model="post")
    thread_type, _ = ContentType.objects.get_or_create(app_label="deliberation", model="thread")
    post_ids = set(Post.objects.values_list("pk", flat=True))
    thread_ids = set(Thread.objects.values_list("pk", flat=True))
    appeal_posts = dict(Appeal.objects.values_list("pk", "post_id"))
    for batch in batches.iterator():
        fields = {}
        if match := POST_KEY.match(batch.dedupe_key):
            pk, what = int(match.group(1)), match.group(2)
            if pk not in post_ids:
                continue
            fields = {"subject_type": post_type, "subject_id": pk}
            if what == "new":
                fields.update(title="有新回复", body="", quote_subject=True)
            elif what == "official":
                head, found, _rest = batch.title.partition("官方答复")
                fields.update(title=f"{head}{found}" if found else "官方答复")
                fields.update(body="", quote_subject=True)
            elif what == "hidden":
                fields.update(body=APPEAL_HINT)
            elif what == "auto-hidden":
                fields.update(body="")
        elif match := THREAD_KEY.match(batch.dedupe_key):
            pk, what, detail = int(match.group(1)), match.group(2), match.group(3)
            if pk not in thread_ids:
                continue
            fields = {"subject_type": thread_type, "subject_id": pk}
            if what == "escalation":
                fields["title"] = ESCALATION_TITLES.get(detail, "问题反映逾期，请督办")
            else:
                fields["title"] = THREAD_TITLES[what]
        elif match := APPEAL_KEY.match(batch.dedupe_key):
            post_id = appeal_posts.get(int(match.group(1)))
            if post_id is None:
                continue
            fields = {"subject_type": post_type, "subject_id": post_id}
        if fields:
            NotificationBatch.objects.filter(pk=batch.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deliberation", "0004_thread_title_withheld"),
        ("notifications", "0002_batch_subject"),
    ]

    operations = [migrations.RunPython(refer, migrations.RunPython.noop)]
