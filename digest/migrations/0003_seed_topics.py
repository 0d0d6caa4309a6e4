"""Seeds the editorial topics. Editors change keywords and categories in the admin afterwards."""

from django.db import migrations

from digest.papers.default_topics import TOPICS, seed_topics


def seed(apps, schema_editor):
    seed_topics(apps.get_model("digest", "Topic"))


def unseed(apps, schema_editor):
    apps.get_model("digest", "Topic").objects.filter(slug__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("digest", "0002_delivery_subscriber")]
    operations = [migrations.RunPython(seed, unseed)]
