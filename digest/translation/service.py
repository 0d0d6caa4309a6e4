"""Translate what has no current translation, once, storing each result or the reason it failed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from ..models import Paper, Translation, TranslationFailure
from ..selectors import candidate_papers
from .errors import TranslationError
from .translators import TranslatedText, Translator

log = logging.getLogger(__name__)


@dataclass
class TranslateRun:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def summary(self) -> str:
        return (
            f"{self.done} translated, {self.failed} failed, {self.skipped} already translated; "
            f"tokens: {self.prompt_tokens} prompt + {self.completion_tokens} completion"
        )


def current_translation(paper: Paper) -> Translation | None:
    """The translation shown to readers: an editor's version first, else the newest one made from the
    paper's current text. Uses prefetched translations when the caller prefetched them."""
    source_hash = paper.source_hash
    matching = [t for t in paper.translations.all() if t.source_hash == source_hash]
    matching.sort(key=lambda t: (t.by_editor, t.created_at), reverse=True)
    return matching[0] if matching else None


def translate_papers(
    papers: Iterable[Paper] | None = None,
    *,
    on_date: date | None = None,
    limit: int | None = None,
    translator: Translator,
    progress: Callable[[int], None] | None = None,
) -> TranslateRun:
    if papers is None:
        papers = candidate_papers(on_date) if on_date else Paper.objects.all()
    run = TranslateRun()
    pending = []
    for paper in Paper.objects.filter(pk__in=[p.pk for p in papers]).prefetch_related("translations"):
        if current_translation(paper) is not None:
            run.skipped += 1
        else:
            pending.append(paper)
    if limit is not None:
        pending = pending[:limit]

    def work(paper: Paper) -> tuple[Paper, TranslatedText | TranslationError]:
        try:
            return paper, translator.translate(paper.title, paper.abstract)
        except TranslationError as error:
            return paper, error

    with ThreadPoolExecutor(max_workers=max(1, settings.TRANSLATOR_CONCURRENCY)) as pool:
        for paper, outcome in pool.map(work, pending):
            if isinstance(outcome, TranslationError):
                run.failed += 1
                TranslationFailure.objects.create(paper=paper, model=translator.model, reason=outcome.reason)
                log.warning("translation failed paper=%s reason=%s", paper.arxiv_id, outcome.reason)
            else:
                store_translation(paper, outcome, model=translator.model, prompt_version=translator.prompt_version)
                run.done += 1
                run.prompt_tokens += outcome.prompt_tokens
                run.completion_tokens += outcome.completion_tokens
            if progress:
                progress(1)
    return run


def store_translation(paper: Paper, text: TranslatedText, *, model: str, prompt_version: str) -> Translation | None:
    try:
        with transaction.atomic():
            return Translation.objects.create(
                paper=paper,
                title=text.title,
                abstract=text.abstract,
                model=model,
                prompt_version=prompt_version,
                source_hash=paper.source_hash,
                prompt_tokens=text.prompt_tokens,
                completion_tokens=text.completion_tokens,
            )
    except IntegrityError:
        # Another run stored the same translation first; keep theirs.
        return None


def load_reference_translations(mapping: dict[str, dict[str, str]]) -> int:
    """Stores shipped translations (model "reference") for papers that exist; returns how many."""
    stored = 0
    for paper in Paper.objects.filter(arxiv_id__in=mapping):
        entry = mapping[paper.arxiv_id]
        text = TranslatedText(title=entry["title"], abstract=entry["abstract"])
        if store_translation(paper, text, model="reference", prompt_version="reference"):
            stored += 1
    return stored
