"""What a translation run leaves in the database (which of it readers see is Paper.current_translation()).

Kept apart from the run (digest.translation.service) because editors' pages, the reader's pages and the demo
read and write these rows too, without running the model.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from digest.hidden_characters import without_hidden_characters
from digest.models import Paper, Translation, TranslationRequest
from digest.translation.translators import Attempt, TranslatedText, Translator
from digest.translation.validation import checked_tldr


def record_requests(paper: Paper, translator: Translator, attempts: list[Attempt]) -> None:
    """One TranslationRequest per HTTP attempt (failed ones too): the usage page's tokens and cost."""
    TranslationRequest.objects.bulk_create(
        TranslationRequest(
            paper=paper,
            model=translator.model,
            prompt_version=translator.prompt_version,
            status=TranslationRequest.Status.OK if attempt.ok else TranslationRequest.Status.FAILED,
            reason=attempt.reason[:1000],
            http_status=attempt.http_status,
            prompt_tokens=attempt.prompt_tokens,
            completion_tokens=attempt.completion_tokens,
            latency_ms=attempt.latency_ms,
        )
        for attempt in attempts
    )


def store_translation(
    paper: Paper, text: TranslatedText, *, model: str, prompt_version: str, replace: bool = False
) -> Translation | None:
    """Stores a model translation of the paper's current text. `replace` (forced runs) overwrites one with
    the same key and supersedes editors' translations; otherwise an existing one with the key is kept."""
    key = {"paper": paper, "language": "zh-Hans", "source_hash": paper.source_hash}
    values = {  # private-use and other hidden characters never reach stored text (digest.hidden_characters)
        "title": without_hidden_characters(text.title),
        "abstract": without_hidden_characters(text.abstract),
        "tldr": without_hidden_characters(text.tldr),
        "topics": list(text.topics),
        "prompt_tokens": text.prompt_tokens,
        "completion_tokens": text.completion_tokens,
        "review_reasons": list(text.review_reasons),
    }
    if replace:
        with transaction.atomic():
            now = timezone.now()
            Translation.objects.filter(**key, by_editor=True, superseded_at=None).exclude(
                model=model, prompt_version=prompt_version
            ).update(superseded_at=now)
            translation, _ = Translation.objects.update_or_create(
                **key,
                model=model,
                prompt_version=prompt_version,
                defaults={**values, "by_editor": False, "superseded_at": None, "created_at": now},
            )
            return translation
    try:
        with transaction.atomic():
            return Translation.objects.create(**key, model=model, prompt_version=prompt_version, **values)
    except IntegrityError:
        # Another run stored the same translation first; keep theirs.
        return None


def load_reference_translations(mapping: dict[str, dict[str, str]]) -> int:
    """Stores shipped translations (model "reference") for papers that exist, with their TL;DR when the entry has
    one ("tldr", checked as a model's is); returns how many."""
    stored = 0
    for paper in Paper.objects.filter(arxiv_id__in=mapping):
        entry = mapping[paper.arxiv_id]
        text = TranslatedText(title=entry["title"], abstract=entry["abstract"], tldr=checked_tldr(entry.get("tldr")))
        if store_translation(paper, text, model="reference", prompt_version="reference"):
            stored += 1
    return stored
