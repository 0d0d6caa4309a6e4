"""Text stored before hidden characters were removed on the way in (digest/hidden_characters.py: controls,
private-use, surrogate and noncharacter code points) loses them now, so no email or page shows them: papers'
titles, abstracts and authors, translations' titles, abstracts and summaries, editors' notes.

A paper's translations are keyed by the hash of the text they were made from, and an editor's variant override by
the hash of the translation it was written against: both are carried over to the cleaned text's hash, so no paper
falls back to English and no override turns stale because a hidden character went. Rows are read and written in
batches of BATCH.
"""

from django.db import migrations

BATCH = 1000


def _batches(queryset, *fields):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def strip_hidden_characters(Paper, Translation, EditionEntry, VariantOverride) -> dict[str, int]:
    """Cleans every stored row (see the module docstring); returns how many rows of each kind changed."""
    from digest.hidden_characters import has_hidden_characters, without_hidden_characters
    from digest.models.papers import source_hash
    from digest.models.translations import text_hash

    changed = {"papers": 0, "translations": 0, "notes": 0}
    for rows in _batches(Paper.objects.all(), "title", "abstract", "authors"):
        for pk, title, abstract, authors in rows:
            names = authors if isinstance(authors, list) else []
            texts = [title, abstract, *(n for n in names if isinstance(n, str))]
            if not any(has_hidden_characters(t) for t in texts):
                continue
            clean_title, clean_abstract = without_hidden_characters(title), without_hidden_characters(abstract)
            clean_authors = [without_hidden_characters(n) if isinstance(n, str) else n for n in names] or authors
            Paper.objects.filter(pk=pk).update(title=clean_title, abstract=clean_abstract, authors=clean_authors)
            old, new = source_hash(title, abstract), source_hash(clean_title, clean_abstract)
            if old != new:
                _carry_translations(Translation, pk, old, new)
            changed["papers"] += 1
    for rows in _batches(Translation.objects.all(), "paper_id", "title", "abstract", "tldr"):
        for pk, paper_id, title, abstract, tldr in rows:
            if not any(has_hidden_characters(t) for t in (title, abstract, tldr)):
                continue
            clean = [without_hidden_characters(t) for t in (title, abstract, tldr)]
            Translation.objects.filter(pk=pk).update(title=clean[0], abstract=clean[1], tldr=clean[2])
            VariantOverride.objects.filter(paper_id=paper_id, made_from=text_hash(title, abstract, tldr)).update(
                made_from=text_hash(*clean)
            )
            changed["translations"] += 1
    for rows in _batches(EditionEntry.objects.exclude(note=""), "note"):
        for pk, note in rows:
            if has_hidden_characters(note):
                EditionEntry.objects.filter(pk=pk).update(note=without_hidden_characters(note))
                changed["notes"] += 1
    return changed


def _carry_translations(Translation, paper_id: int, old: str, new: str) -> None:
    """The paper's translations made from its text with hidden characters are the translations of the cleaned
    text; one already stored for the cleaned text under the same key is kept as it is (the unique key)."""
    taken = set(
        Translation.objects.filter(paper_id=paper_id, source_hash=new).values_list("language", "model", "prompt_version")
    )
    for translation in Translation.objects.filter(paper_id=paper_id, source_hash=old):
        if (translation.language, translation.model, translation.prompt_version) not in taken:
            Translation.objects.filter(pk=translation.pk).update(source_hash=new)


def forwards(apps, schema_editor):
    changed = strip_hidden_characters(
        apps.get_model("digest", "Paper"),
        apps.get_model("digest", "Translation"),
        apps.get_model("digest", "EditionEntry"),
        apps.get_model("digest", "VariantOverride"),
    )
    if any(changed.values()):
        print(
            f"\n  hidden characters removed: {changed['papers']} papers, {changed['translations']} translations, "
            f"{changed['notes']} editor notes"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("digest", "0018_variant_overrides"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
