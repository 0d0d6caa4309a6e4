"""The "Machine learning methods" topic (cs.LG, stat.ML): on real days a tenth of the papers, most of them cs.LG,
fitted no topic and reached only readers who chose none. Added where it is missing; the other topics, and any
change editors made to them, are left alone."""

from django.db import migrations

from digest.papers.default_topics import add_missing_topic


def add_topic(apps, schema_editor):
    add_missing_topic(apps.get_model("digest", "Topic"), "ml")


class Migration(migrations.Migration):
    dependencies = [("digest", "0016_merge_verbose_names")]
    operations = [migrations.RunPython(add_topic, migrations.RunPython.noop)]
