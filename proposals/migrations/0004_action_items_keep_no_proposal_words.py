"""Action items made from proposals before proposals.adoption keep none of the owner's words.

Those items copied the proposal's body into their description and its title into
source_label, copies a later hiding of the proposal did not reach. As new items do
(proposals.actions.answering, references.register(keep_label=False)), an item's description
becomes the answer (the answering party's own words; an item's description is never edited
after it is opened) and its stored source label only the kind. The item's title, which the
answerer may have left as the proposal's, is theirs and stays (the hiding's notice names it).
"""

from django.db import migrations

KIND = "业主提案"


def keep_no_proposal_words(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    ActionItem = apps.get_model("oversight", "ActionItem")
    for proposal_id, item_id, answer in Proposal.objects.filter(
        action_item__isnull=False
    ).values_list("pk", "action_item_id", "answer"):
        ActionItem.objects.filter(pk=item_id).update(
            description=(answer or "")[:2000], source_label=KIND
        )


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0007_actionitemphoto"),
        ("proposals", "0003_moderation"),
    ]

    operations = [migrations.RunPython(keep_no_proposal_words, migrations.RunPython.noop)]
