"""Running a planned translation run: at most TRANSLATOR_CONCURRENCY requests in flight (threads only talk HTTP;
every database write happens on the calling thread, one transaction per paper), and a breaker that stops handing
out papers once the token budget is spent, the run's time limit has passed, or the provider failed
TRANSLATOR_MAX_CONSECUTIVE_FAILURES papers in a row. What was not started waits for the next run."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from digest.models import Paper, Topic, TranslationFailure
from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary
from digest.translation.planning import TranslateRun
from digest.translation.stored import record_requests, store_translation
from digest.translation.translators import Attempt, TranslatedText, Translator

log = logging.getLogger(__name__)

Outcome = TranslatedText | TranslationError


@dataclass
class Breaker:
    """Decides when a run stops handing out papers, and says why (`halt`)."""

    token_budget: int
    down_after: int
    time_limit: float
    #: The day's time limit as a monotonic instant: past it no paper is started, and a request still running is
    #: cut (the translator starts no retry after it), so building and sending never wait on a slow server.
    deadline: float | None = None
    consecutive_down: int = 0
    halt: str = ""
    model: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, model: str) -> Breaker:
        time_limit = settings.TRANSLATOR_RUN_DEADLINE_SECONDS
        return cls(
            token_budget=settings.TRANSLATOR_MAX_TOKENS_PER_RUN,
            down_after=settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES,
            time_limit=time_limit,
            deadline=time.monotonic() + time_limit if time_limit else None,
            model=model,
        )

    def may_start(self) -> bool:
        """Whether one more paper may be started (called only while papers are left)."""
        if not self.halt and self.deadline is not None and time.monotonic() >= self.deadline:
            self.halt = f"time limit of {self.time_limit:g}s reached"
        return not self.halt

    def settled(self, outcome: Outcome, attempts: list[Attempt], tokens_so_far: int) -> None:
        self.consecutive_down = self.consecutive_down + 1 if _no_answer(outcome, attempts) else 0
        if not self.halt and self.down_after and self.consecutive_down >= self.down_after:
            self.halt = f"translator unavailable ({self.consecutive_down} papers in a row: {outcome.reason})"
            log.error(
                "translator looks down model=%s consecutive_failures=%s; remaining papers stay in English "
                "until the next run",
                self.model,
                self.consecutive_down,
            )
        if not self.halt and self.token_budget and tokens_so_far >= self.token_budget:
            self.halt = f"token budget of {self.token_budget} reached"
            log.warning(
                "translation budget reached budget=tokens max=%s used=%s; the rest wait for the next run",
                self.token_budget,
                tokens_so_far,
            )


def translate_pending(
    pending: list[Paper],
    run: TranslateRun,
    translator: Translator,
    glossary: Glossary,
    *,
    force: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """Asks for each pending paper until the breaker halts; records every outcome on the calling thread."""
    breaker = Breaker.from_settings(translator.model)
    concurrency = max(1, settings.TRANSLATOR_CONCURRENCY)
    topics = tuple(Topic.objects.values_list("slug", "description_en"))
    queue = deque(pending)

    def ask(paper: Paper) -> tuple[Outcome, list[Attempt]]:
        return _ask(translator, paper, glossary, topics, breaker.deadline)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="translate") as pool:
        in_flight: dict[Future, Paper] = {}
        while True:
            while queue and len(in_flight) < concurrency and breaker.may_start():
                paper = queue.popleft()
                in_flight[pool.submit(ask, paper)] = paper
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                paper = in_flight.pop(future)
                outcome, attempts = future.result()
                _record(paper, outcome, attempts, run, translator, force=force)
                breaker.settled(outcome, attempts, run.prompt_tokens + run.completion_tokens)
                if progress:
                    progress(1)
    run.deferred += len(queue)
    if breaker.halt:
        run.stopped = breaker.halt
        log.warning("translation stopped reason=%r deferred=%s", breaker.halt, len(queue))


def _ask(
    translator: Translator, paper: Paper, glossary: Glossary, topics: tuple, deadline: float | None
) -> tuple[Outcome, list[Attempt]]:
    """One paper on a worker thread: the translation or the reason, with every request's record."""
    attempts: list[Attempt] = []
    try:
        text = translator.translate(
            paper.title, paper.abstract, glossary=glossary, on_attempt=attempts.append, topics=topics, deadline=deadline
        )
    except TranslationError as error:
        return error, attempts
    except Exception as error:  # a bug must cost one paper, not the run (and not the day's email)
        log.exception("translation crashed paper=%s model=%s", paper.arxiv_id, translator.model)
        return TranslationError(f"unexpected error: {error.__class__.__name__}", retryable=False), attempts
    return text, attempts


def _no_answer(outcome: Outcome, attempts: list[Attempt]) -> bool:
    """Whether the provider gave this paper no answer at all (every attempt refused, timed out, 429 or 5xx).
    Only those count towards the circuit breaker: a provider that answers, even badly, is up, and a day of
    refused replies must not stop the run."""
    if not isinstance(outcome, TranslationError):
        return False
    return outcome.provider_down and all(attempt.provider_down for attempt in attempts)


def _record(
    paper: Paper,
    outcome: Outcome,
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
