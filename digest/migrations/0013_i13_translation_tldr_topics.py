"""TL;DR and model-chosen topics on translations (translation protocol v3), and the discriminative topic rules:
the seeded topics get their new rules and the new topics are added; topics editors created are left alone."""

from django.db import migrations, models

from digest.papers.default_topics import seed_topics


def reseed(apps, schema_editor):
    seed_topics(apps.get_model("digest", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("digest", "0012_delivery_bilingual")]
    operations = [
        migrations.AddField(model_name="translation", name="tldr", field=models.TextField(blank=True)),
        migrations.AddField(model_name="translation", name="topics", field=models.JSONField(blank=True, default=list)),
        migrations.RunPython(reseed, migrations.RunPython.noop),
    ]
