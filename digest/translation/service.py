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

Database writes happen on the calling thread only (threads just talk HTTP), one transaction per paper,
so a paper is never half-stored: its request records and its translation or failure land together.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from digest.models import Paper, Topic, TranslationFailure
from digest.papers.selectors import candidate_papers
from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary, active_glossary
from digest.translation.stored import live_translations, record_requests, store_translation
from digest.translation.translators import Attempt, TranslatedText, Translator
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
    live = live_translations(paper)
    if not live:
        return True
    if live[0].by_editor or not retranslate:
        return False
    return not any(t.model == model and t.prompt_version == prompt_version for t in live)


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

    if dry_run:
        run.planned = [paper.arxiv_id for paper in pending]
        return run
    if on_total:
        on_total(len(pending))
    _translate_pending(pending, run, translator, active_glossary(), force=force, progress=progress)
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


def _translate_pending(
    pending: list[Paper],
    run: TranslateRun,
    translator: Translator,
    glossary: Glossary,
    *,
    force: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """At most TRANSLATOR_CONCURRENCY requests in flight; stops handing out papers once the token budget is
    spent or the provider failed TRANSLATOR_MAX_CONSECUTIVE_FAILURES papers in a row."""
    token_budget = settings.TRANSLATOR_MAX_TOKENS_PER_RUN
    # The day's time limit: past it no paper is started, and a request still running is cut (the translator
    # starts no retry after it), so building and sending never wait on a slow server.
    time_limit = settings.TRANSLATOR_RUN_DEADLINE_SECONDS
    deadline = time.monotonic() + time_limit if time_limit else None
    down_after = settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES
    concurrency = max(1, settings.TRANSLATOR_CONCURRENCY)
    consecutive_down = 0
    halt = ""  # why this run stops handing out papers
    queue: Iterator[Paper] = iter(pending)
    topics = tuple(Topic.objects.values_list("slug", "description_en"))

    def work(paper: Paper) -> tuple[TranslatedText | TranslationError, list[Attempt]]:
        attempts: list[Attempt] = []
        try:
            text = translator.translate(
                paper.title,
                paper.abstract,
                glossary=glossary,
                on_attempt=attempts.append,
                topics=topics,
                deadline=deadline,
            )
        except TranslationError as error:
            return error, attempts
        except Exception as error:  # a bug must cost one paper, not the run (and not the day's email)
            log.exception("translation crashed paper=%s model=%s", paper.arxiv_id, translator.model)
            return TranslationError(f"unexpected error: {error.__class__.__name__}", retryable=False), attempts
        return text, attempts

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="translate") as pool:
        in_flight: dict[Future, Paper] = {}

        def hand_out() -> None:
            nonlocal halt
            while not halt and len(in_flight) < concurrency:
                started = run.done + run.failed + len(in_flight)
                if deadline is not None and time.monotonic() >= deadline and started < len(pending):
                    halt = f"time limit of {time_limit:g}s reached"
                    return
                paper = next(queue, None)
                if paper is None:
                    return
                in_flight[pool.submit(work, paper)] = paper

        hand_out()
        while in_flight:
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                paper = in_flight.pop(future)
                outcome, attempts = future.result()
                _record(paper, outcome, attempts, run, translator, force=force)
                if _no_answer(outcome, attempts):
                    consecutive_down += 1
                else:
                    consecutive_down = 0
                if progress:
                    progress(1)
                if not halt and down_after and consecutive_down >= down_after:
                    halt = f"translator unavailable ({consecutive_down} papers in a row: {outcome.reason})"
                    log.error(
                        "translator looks down model=%s consecutive_failures=%s; remaining papers stay in English "
                        "until the next run",
                        translator.model,
                        consecutive_down,
                    )
                tokens = run.prompt_tokens + run.completion_tokens
                if not halt and token_budget and tokens >= token_budget:
                    halt = f"token budget of {token_budget} reached"
                    log.warning(
                        "translation budget reached budget=tokens max=%s used=%s; the rest wait for the next run",
                        token_budget,
                        tokens,
                    )
            hand_out()
    remaining = sum(1 for _ in queue)
    run.deferred += remaining
    if halt:
        run.stopped = halt
        log.warning("translation stopped reason=%r deferred=%s", halt, remaining)


def _no_answer(outcome: TranslatedText | TranslationError, attempts: list[Attempt]) -> bool:
    """Whether the provider gave this paper no answer at all (every attempt refused, timed out, 429 or 5xx).
    Only those count towards the circuit breaker: a provider that answers, even badly, is up, and a day of
    refused replies must not stop the run."""
    if not isinstance(outcome, TranslationError):
        return False
    return outcome.provider_down and all(attempt.provider_down for attempt in attempts)


def _record(
    paper: Paper,
    outcome: TranslatedText | TranslationError,
    attempts: list[Attempt],
    run: TranslateRun,
    translator: Translator,
    *,
    force: bool,
) -> None:
    """Stores one paper's outcome and its request records in one transaction."""
    run.requests += len(attempts)
    run.prompt_tokens += sum(a.prompt_tokens for a in attempts)
    run.completion_tokens += sum(a.completion_tokens for a in attempts)
    with transaction.atomic():
        record_requests(paper, translator, attempts)
        if isinstance(outcome, TranslationError):
            run.failed += 1
            TranslationFailure.objects.create(paper=paper, model=translator.model, reason=outcome.reason[:1000])
            log.warning("translation failed paper=%s model=%s reason=%s", paper.arxiv_id, translator.model, outcome)
            return
        store_translation(
            paper, outcome, model=translator.model, prompt_version=translator.prompt_version, replace=force
        )
        run.done += 1
