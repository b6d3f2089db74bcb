"""Thread.title_withheld: a thread's title follows its opening post (deliberation.visibility)."""

from django.db import migrations, models


def withhold_titles_of_unshown_openings(apps, schema_editor):
    # Idempotent: recomputes the flag from the opening posts as they stand.
    Thread = apps.get_model("deliberation", "Thread")
    Post = apps.get_model("deliberation", "Post")
    unshown = Post.objects.filter(is_opening=True).exclude(status="published")
    Thread.objects.filter(pk__in=unshown.values("thread_id")).update(title_withheld=True)
    Thread.objects.exclude(pk__in=unshown.values("thread_id")).update(title_withheld=False)


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0003_deadline_legal_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="title_withheld",
            field=models.BooleanField(default=False, verbose_name="标题不显示"),
        ),
        migrations.RunPython(withhold_titles_of_unshown_openings, migrations.RunPython.noop),
    ]
