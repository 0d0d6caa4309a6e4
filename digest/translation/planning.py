"""A translation run's record (TranslateRun), and which papers it asks the model for: those that need it (see
digest.translation.service), in the order readers care about, within the caller's limit and the per-run paper
budget; the rest wait for the next run."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from digest.models import Paper
from digest.translation.translators import Translator
from digest.translation.usage import estimated_cost, format_cost

log = logging.getLogger(__name__)


@dataclass
class TranslateRun:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stopped: str = ""  # why the run stopped early (budget, time limit, provider down), empty when it did not
    planned: list[str] = field(default_factory=list)  # arXiv ids a dry run would send

    @property
    def cost(self) -> Decimal:
        return estimated_cost(self.prompt_tokens, self.completion_tokens)

    def summary(self) -> str:
        text = (
            f"{self.done} translated, {self.failed} failed, {self.skipped} already translated, "
            f"{self.deferred} left for the next run; {self.requests} requests, "
            f"tokens: {self.prompt_tokens} prompt + {self.completion_tokens} completion, "
            f"estimated cost: {format_cost(self.cost)}"
        )
        return f"{text} (stopped: {self.stopped})" if self.stopped else text


def needs_translation(paper: Paper, *, model: str, prompt_version: str, retranslate: bool, force: bool) -> bool:
    if force:
        return True
    live = paper.live_translations()
    if not live:
        return True
    if live[0].by_editor or not retranslate:
        return False
    return not any(t.model == model and t.prompt_version == prompt_version for t in live)


def plan_run(
    papers: Iterable[Paper],
    run: TranslateRun,
    *,
    translator: Translator,
    limit: int | None,
    retranslate: bool,
    force: bool,
) -> list[Paper]:
    """The papers to ask for, best first; counts the skipped and deferred ones (and a budget stop) on `run`."""
    pending: list[Paper] = []
    selected = Paper.objects.filter(pk__in=[p.pk for p in papers]).prefetch_related("translations")
    for paper in selected.order_by("-score", "arxiv_id"):
        wanted = needs_translation(
            paper,
            model=translator.model,
            prompt_version=translator.prompt_version,
            retranslate=retranslate or force,
            force=force,
        )
        if wanted:
            pending.append(paper)
        else:
            run.skipped += 1
    if limit is not None and len(pending) > limit:
        run.deferred += len(pending) - limit
        pending = pending[:limit]
    max_papers = settings.TRANSLATOR_MAX_PAPERS_PER_RUN
    if max_papers and len(pending) > max_papers:
        run.deferred += len(pending) - max_papers
        run.stopped = f"paper budget of {max_papers} reached"
        log.warning(
            "translation budget reached budget=papers max=%s deferred=%s; they wait for the next run",
            max_papers,
            len(pending) - max_papers,
        )
        pending = pending[:max_papers]
    return pending
