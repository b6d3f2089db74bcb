"""Notifications made before they referred to petitions: refer them, and drop the copied title.

Until petitions could be hidden, their notifications copied the petition's title into their
title ("临时会议提议已达到法定比例：<title>", "业主委员会已就临时会议提议发布会议公告：<title>")
or body (the escalation: "「<title>」已达到法定比例…"), so hiding a petition left its words
in the committee's, the signers' and the officials' inboxes and digests. Each such batch is
recognised by its dedupe key, pointed at its petition (the inbox now reads the title through
voting.petitions.visibility) and given the portal's own title and body, as the current code
writes them (as deliberation 0005 did for posts). Idempotent: only batches without a subject
are touched. The copies are not put back on reversal.
"""

import re

from django.db import migrations

KEY = re.compile(r"^petition:(\d+):(reached|reached:signers|announced|escalated)$")
TITLES = {
    "reached": "临时会议提议已达到法定比例",
    "announced": "业主委员会已就临时会议提议发布会议公告",
}
ESCALATED_BODY = (
    "该提议已达到法定比例，业主委员会未在期限内发布会议公告。"
    "按《业主大会和业主委员会指导规则》，街道办事处应当责令业主委员会限期召集，"
    "社区居委会可以组织召开。"
)


def refer(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    NotificationBatch = apps.get_model("notifications", "NotificationBatch")
    Petition = apps.get_model("petitions", "Petition")
    batches = NotificationBatch.objects.filter(
        dedupe_key__startswith="petition:", subject_type__isnull=True
    ).only("pk", "dedupe_key")
    if not batches.exists():
        return
    petition_type, _ = ContentType.objects.get_or_create(app_label="petitions", model="petition")
    petition_ids = set(Petition.objects.values_list("pk", flat=True))
    for batch in batches.iterator():
        match = KEY.match(batch.dedupe_key)
        if match is None or int(match.group(1)) not in petition_ids:
            continue
        what = match.group(2)
        fields = {"subject_type": petition_type, "subject_id": int(match.group(1))}
        if what in TITLES:
            fields["title"] = TITLES[what]
        elif what == "escalated":
            fields["body"] = ESCALATED_BODY
        NotificationBatch.objects.filter(pk=batch.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_batch_subject"),
        ("petitions", "0003_petition_moderation"),
    ]

    operations = [migrations.RunPython(refer, migrations.RunPython.noop)]
