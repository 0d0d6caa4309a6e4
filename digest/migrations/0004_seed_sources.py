"""Default sources: the arXiv listings most AI papers appear in, and Hugging Face's community picks."""

from django.db import migrations

SOURCES = [
    ("arxiv-cs-ai", "arXiv cs.AI", "arxiv_rss", "https://rss.arxiv.org/rss/cs.AI"),
    ("arxiv-cs-cl", "arXiv cs.CL", "arxiv_rss", "https://rss.arxiv.org/rss/cs.CL"),
    ("arxiv-cs-lg", "arXiv cs.LG", "arxiv_rss", "https://rss.arxiv.org/rss/cs.LG"),
    ("arxiv-cs-cv", "arXiv cs.CV", "arxiv_rss", "https://rss.arxiv.org/rss/cs.CV"),
    ("arxiv-cs-ro", "arXiv cs.RO", "arxiv_rss", "https://rss.arxiv.org/rss/cs.RO"),
    ("hf-daily", "Hugging Face daily papers", "hf_daily", "https://huggingface.co/api/daily_papers"),
]


def seed(apps, schema_editor):
    Source = apps.get_model("digest", "Source")
    for slug, name, kind, url in SOURCES:
        Source.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, "url": url})


def unseed(apps, schema_editor):
    apps.get_model("digest", "Source").objects.filter(slug__in=[s[0] for s in SOURCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("digest", "0003_seed_topics")]
    operations = [migrations.RunPython(seed, unseed)]
