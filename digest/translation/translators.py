"""Translators: the OpenAI-compatible chat-completions client, and 'none' when no model is configured."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings

from digest.translation import servers
from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary, prompt_glossary
from digest.translation.prompt import PROMPT_VERSION, build_messages
from digest.translation.reply_json import content_text
from digest.translation.transport import (
    MAX_REPLY_BYTES,
    PastDeadline,
    Watchdog,
    read_limited,
    retry_after_seconds,
    token_count,
)
from digest.translation.validation import check_reply, reply_extras

log = logging.getLogger(__name__)

#: The longest we wait between two attempts, whatever Retry-After says.
MAX_RETRY_WAIT_SECONDS = 60.0
#: The reply's token limit when none is configured: room for a reasoning model's thinking and the translation.
DEFAULT_MAX_REPLY_TOKENS = 8192


@dataclass(frozen=True)
class TranslatedText:
    title: str
    abstract: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    #: Optional in the reply (protocol v3): one Simplified Chinese sentence, and slugs of the site's topics.
    tldr: str = ""
    topics: tuple[str, ...] = ()
    review_reasons: tuple[str, ...] = ()  # soft deviations accepted (validation.check_reply), for the editors


@dataclass(frozen=True)
class Attempt:
    """One request as the provider saw it: what it cost and how it ended (for TranslationRequest)."""

    ok: bool
    reason: str = ""
    http_status: int | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    provider_down: bool = False  # no usable answer from the provider at all (refused, timeout, 5xx, 429)


AttemptCallback = Callable[[Attempt], None]


class Translator(Protocol):
    model: str
    prompt_version: str

    def translate(
        self,
        title: str,
        abstract: str,
        *,
        glossary: Glossary = (),
        on_attempt: AttemptCallback | None = None,
        topics: Sequence[tuple[str, str]] = (),
        deadline: float | None = None,
    ) -> TranslatedText: ...


class OpenAICompatibleTranslator:
    """One POST {base}/chat/completions per paper (DESIGN.md "Translation protocol").

    Written on httpx rather than the openai SDK: the protocol is one request, and owning the retry loop
    lets us honour Retry-After, feed validation failures back into the prompt, adapt to what a server refuses
    (servers.py) and bound each request by an overall deadline, which the SDK's per-read timeout does not.

    `json_mode` says whether requests to this server and model ask for JSON mode ("used") or no longer do since
    the server refused it ("dropped"); check_translator prints it.
    """

    prompt_version = PROMPT_VERSION

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        backoff_seconds: float = 1.0,
        request_deadline: float | None = None,
        max_reply_tokens: int = DEFAULT_MAX_REPLY_TOKENS,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.timeout = timeout
        #: Seconds one request may take in all, however slowly the server keeps sending.
        self.request_deadline = request_deadline if request_deadline is not None else 2 * timeout
        self.max_reply_tokens = max_reply_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # A provider that does not accept the connection within 10 s is down; waiting longer only delays the day.
        limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        # No connection is kept alive: each request's own connection is what its Watchdog can cut at the deadline.
        pool = httpx.Limits(max_keepalive_connections=0)
        self.client = client or httpx.Client(timeout=limits, headers=headers, limits=pool)

    @property
    def json_mode(self) -> str:
        """ "used" while the server takes response_format, "dropped" once it refused it (for this process)."""
        return "used" if servers.traits(self.url, self.model).json_mode else "dropped"

    def translate(
        self,
        title: str,
        abstract: str,
        *,
        glossary: Glossary = (),
        on_attempt: AttemptCallback | None = None,
        topics: Sequence[tuple[str, str]] = (),
        deadline: float | None = None,
    ) -> TranslatedText:
        """`topics` are the site's (slug, description) pairs the model may choose from. The validated Simplified
        Chinese text, or TranslationError after the last attempt. Every request is reported to `on_attempt`
        (tokens of refused replies are billed too).

        Besides the `max_retries` retries, two are made once each and not counted: the request again without
        what a server refused with a 400 (servers.py), and a reply cut off at the token limit asked again with
        twice the limit. `deadline` (a time.monotonic() value, the run's time limit) cuts a request still running
        then and starts no attempt after it."""
        report = on_attempt or (lambda attempt: None)
        feedback = ""
        max_tokens = self.max_reply_tokens
        lengthened = False
        retries = 0
        while True:
            started = time.monotonic()
            try:
                text, http_status = self._request(title, abstract, glossary, feedback, topics, max_tokens, deadline)
            except TranslationError as error:
                report(
                    Attempt(
                        ok=False,
                        reason=error.reason,
                        http_status=error.http_status,
                        prompt_tokens=error.prompt_tokens,
                        completion_tokens=error.completion_tokens,
                        latency_ms=_elapsed_ms(started),
                        provider_down=error.provider_down,
                    )
                )
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                if isinstance(error, _Refused):
                    log.warning("translator refused a parameter model=%s url=%s: %s", self.model, self.url, error)
                    continue  # the next request is made without it
                if error.truncated and not lengthened:
                    lengthened, max_tokens, feedback = True, 2 * max_tokens, error.reason
                    continue
                if not error.retryable or retries == self.max_retries:
                    raise
                retries += 1
                # Only a refused reply is worth explaining to the model; a 503 is not its fault.
                feedback = "" if error.provider_down else error.reason
                delay = error.retry_after if error.retry_after is not None else self._backoff(retries - 1)
                log.info("translation retry model=%s attempt=%s reason=%s", self.model, retries, error.reason)
                time.sleep(min(delay, MAX_RETRY_WAIT_SECONDS))
            else:
                report(
                    Attempt(
                        ok=True,
                        http_status=http_status,
                        prompt_tokens=text.prompt_tokens,
                        completion_tokens=text.completion_tokens,
                        latency_ms=_elapsed_ms(started),
                    )
                )
                return text

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * (2**attempt) * (0.5 + random.random())

    def _payload(
        self,
        title: str,
        abstract: str,
        glossary: Glossary,
        feedback: str,
        topics: Sequence[tuple[str, str]],
        max_tokens: int,
    ) -> dict:
        traits = servers.traits(self.url, self.model)
        payload: dict = {
            "model": self.model,
            "messages": build_messages(
                title,
                abstract,
                glossary=prompt_glossary(glossary, title, abstract),
                feedback=feedback,
                topics=topics,
            ),
            "temperature": 0.2,
        }
        if traits.json_mode:
            payload["response_format"] = {"type": "json_object"}
        if traits.limit_field and max_tokens:
            payload[traits.limit_field] = max_tokens
        return payload

    def _request(
        self,
        title: str,
        abstract: str,
        glossary: Glossary,
        feedback: str,
        topics: Sequence[tuple[str, str]] = (),
        max_tokens: int = DEFAULT_MAX_REPLY_TOKENS,
        run_deadline: float | None = None,
    ) -> tuple[TranslatedText, int]:
        payload = self._payload(title, abstract, glossary, feedback, topics, max_tokens)
        deadline = time.monotonic() + self.request_deadline
        if run_deadline is not None:
            deadline = min(deadline, run_deadline)
        remaining = max(0.001, deadline - time.monotonic())
        # No single wait may outlast the deadline; read_limited checks it between the bytes of a slow reply.
        timeout = httpx.Timeout(min(self.timeout, remaining), connect=min(self.timeout, 10.0, remaining))
        watchdog = Watchdog(deadline)
        try:
            with (
                watchdog,
                self.client.stream(
                    "POST", self.url, json=payload, timeout=timeout, extensions={"trace": watchdog.trace}
                ) as response,
            ):
                raw = read_limited(response, deadline)
        except (httpx.HTTPError, PastDeadline) as error:
            if watchdog.fired or time.monotonic() >= deadline - 0.01:
                raise _provider_error(self._deadline_reason(run_deadline, deadline)) from None
            if isinstance(error, httpx.TimeoutException):
                raise _provider_error("the translator timed out") from None
            raise _provider_error(f"cannot reach the translator: {error.__class__.__name__}") from None
        status = response.status_code
        if status in (429, 500, 502, 503, 504):
            wait = retry_after_seconds(response)
            raise _provider_error(f"translator answered HTTP {status}", status, retry_after=wait)
        if status != 200:
            adjustment = servers.requested_adjustment(status, raw or b"")
            if adjustment and servers.adjust(self.url, self.model, adjustment):
                raise _Refused(f"translator answered HTTP {status}; will {adjustment.value}", http_status=status)
            raise TranslationError(f"translator answered HTTP {status}", retryable=False, http_status=status)
        if raw is None:
            raise _reply_error(f"reply is larger than {MAX_REPLY_BYTES} bytes", status)
        try:
            body = json.loads(raw)
            choice = body["choices"][0]
            raw_content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise _reply_error("reply is not a chat-completions response", status) from None
        usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
        prompt_tokens, completion_tokens = token_count(usage, "prompt_tokens"), token_count(usage, "completion_tokens")
        try:
            if isinstance(choice, dict) and choice.get("finish_reason") == "length":
                limit = payload.get("max_tokens") or payload.get("max_completion_tokens")
                raise TranslationError(
                    f"reply was cut off at the token limit{f' of {limit}' if limit else ''} (finish_reason length)",
                    truncated=True,
                )
            content = content_text(raw_content)
            checked = check_reply(content, title, abstract, glossary)
        except TranslationError as error:
            error.http_status, error.prompt_tokens, error.completion_tokens = status, prompt_tokens, completion_tokens
            raise
        tldr, chosen_topics = reply_extras(content, (slug for slug, _ in topics))
        text = TranslatedText(
            checked.title,
            checked.abstract,
            prompt_tokens,
            completion_tokens,
            tldr=tldr,
            topics=chosen_topics,
            review_reasons=checked.review_reasons,
        )
        return text, status

    def _deadline_reason(self, run_deadline: float | None, deadline: float) -> str:
        if run_deadline is not None and deadline == run_deadline:
            return "the translator was still answering when the run's time limit came"
        return f"the translator passed the {self.request_deadline:g}s deadline for one reply"


class _Refused(TranslationError):
    """A 400 naming a parameter the server does not take; the traits were adjusted, the next request differs."""


def _provider_error(reason: str, status: int | None = None, *, retry_after: float | None = None) -> TranslationError:
    return TranslationError(reason, retry_after=retry_after, http_status=status, provider_down=True)


def _reply_error(reason: str, status: int) -> TranslationError:
    return TranslationError(reason, http_status=status)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def get_translator() -> OpenAICompatibleTranslator | None:
    """The configured translator, or None: then papers stay in English, marked as such."""
    if not (settings.TRANSLATOR_BASE_URL and settings.TRANSLATOR_MODEL):
        return None
    return OpenAICompatibleTranslator(
        settings.TRANSLATOR_BASE_URL,
        settings.TRANSLATOR_API_KEY,
        settings.TRANSLATOR_MODEL,
        timeout=settings.TRANSLATOR_TIMEOUT_SECONDS,
        max_retries=settings.TRANSLATOR_MAX_RETRIES,
        backoff_seconds=settings.TRANSLATOR_BACKOFF_SECONDS,
        request_deadline=settings.TRANSLATOR_REQUEST_DEADLINE_SECONDS,
        max_reply_tokens=settings.TRANSLATOR_MAX_REPLY_TOKENS,
    )
