"""Translate what needs it, once, storing each result or the reason it failed, and every request's cost.

What is shown and what is (re)translated:

- A translation is keyed by (paper, source text hash, model, prompt version). Readers see the editor's
  translation of the paper's current text if there is one, else the newest model translation of the
  current text, whatever its model or prompt version. A translation of an older text (arXiv v1 when v2
  changed the abstract) is not shown: it translates words that are no longer there.
- A plain run asks the model only for papers with nothing to show, so an unchanged paper is never sent
  again and a changed abstract is sent once.
- `retranslate=True` also asks for papers whose shown translation was made by another model or prompt
  version; the old text keeps showing until the new one is stored. Editors' translations are left alone.
- `force=True` asks for every paper, editors' included; on success the editor's text is marked
  superseded (kept, no longer shown). On failure nothing changes.

A run is a plan (digest.translation.planning: which papers, within the limit and budgets) and its execution
(digest.translation.execution: the thread pool and the breaker). Database writes happen on the calling thread only
(threads just talk HTTP), one transaction per paper, so a paper is never half-stored: its request records and its
translation or failure land together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date

from digest.models import Paper
from digest.papers.selectors import candidate_papers
from digest.translation.execution import translate_pending
from digest.translation.glossary import active_glossary
from digest.translation.planning import TranslateRun, needs_translation, plan_run
from digest.translation.translators import Translator

__all__ = ["TranslateRun", "needs_translation", "translate_papers"]

log = logging.getLogger(__name__)


def translate_papers(
    papers: Iterable[Paper] | None = None,
    *,
    on_date: date | None = None,
    limit: int | None = None,
    translator: Translator,
    retranslate: bool = False,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> TranslateRun:
    """Translates the papers that need it (see the module docstring), at most `limit` and the per-run
    budget (TRANSLATOR_MAX_PAPERS_PER_RUN, TRANSLATOR_MAX_TOKENS_PER_RUN); the rest wait for the next run."""
    if papers is None:
        papers = candidate_papers(on_date) if on_date else Paper.objects.all()
    run = TranslateRun()
    pending = plan_run(papers, run, translator=translator, limit=limit, retranslate=retranslate, force=force)
    if dry_run:
        run.planned = [paper.arxiv_id for paper in pending]
        return run
    if on_total:
        on_total(len(pending))
    translate_pending(pending, run, translator, active_glossary(), force=force, progress=progress)
    log.info(
        "translation run model=%s done=%s failed=%s skipped=%s deferred=%s requests=%s tokens=%s",
        translator.model,
        run.done,
        run.failed,
        run.skipped,
        run.deferred,
        run.requests,
        run.prompt_tokens + run.completion_tokens,
    )
    return run
