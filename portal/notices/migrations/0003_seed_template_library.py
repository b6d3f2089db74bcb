"""Seed the district-wide library of scenario templates (场景化模板)."""

from django.db import migrations


def seed(apps, schema_editor):
    from portal.notices.seed_templates import TEMPLATE_LIBRARY

    NoticeTemplate = apps.get_model("notices", "NoticeTemplate")
    for entry in TEMPLATE_LIBRARY:
        NoticeTemplate.objects.get_or_create(
            estate=None, title=entry["title"], defaults={**entry}
        )


def unseed(apps, schema_editor):
    from portal.notices.seed_templates import TEMPLATE_LIBRARY

    NoticeTemplate = apps.get_model("notices", "NoticeTemplate")
    NoticeTemplate.objects.filter(
        estate=None, title__in=[entry["title"] for entry in TEMPLATE_LIBRARY]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_notice_pages_acknowledgements_templates")]

    operations = [migrations.RunPython(seed, unseed)]
