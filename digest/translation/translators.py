"""Translators: the OpenAI-compatible chat-completions client, and 'none' when no model is configured."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx
from django.conf import settings

from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary, prompt_glossary
from digest.translation.prompt import PROMPT_VERSION, build_messages
from digest.translation.validation import check_reply, reply_extras

log = logging.getLogger(__name__)

#: A reply larger than this is refused unread: an abstract's translation is a few kilobytes.
MAX_REPLY_BYTES = 256 * 1024
#: The longest we wait between two attempts, whatever Retry-After says.
MAX_RETRY_WAIT_SECONDS = 60.0


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
    ) -> TranslatedText: ...


class OpenAICompatibleTranslator:
    """One POST {base}/chat/completions per paper (DESIGN.md "Translation protocol").

    Written on httpx rather than the openai SDK: the protocol is one request, and owning the retry loop
    lets us honour Retry-After and feed validation failures back into the prompt.
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
        client: httpx.Client | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # A provider that does not accept the connection within 10 s is down; waiting longer only delays the day.
        limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self.client = client or httpx.Client(timeout=limits, headers=headers)

    def translate(
        self,
        title: str,
        abstract: str,
        *,
        glossary: Glossary = (),
        on_attempt: AttemptCallback | None = None,
        topics: Sequence[tuple[str, str]] = (),
    ) -> TranslatedText:
        """`topics` are the site's (slug, description) pairs the model may choose from. The validated Simplified
        Chinese text, or TranslationError after the last attempt. Every request
        is reported to `on_attempt` (tokens of refused replies are billed too)."""
        report = on_attempt or (lambda attempt: None)
        feedback = ""
        for attempt in range(self.max_retries + 1):
            started = time.monotonic()
            try:
                text, http_status = self._request(title, abstract, glossary, feedback, topics)
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
                if not error.retryable or attempt == self.max_retries:
                    raise
                # Only a refused reply is worth explaining to the model; a 503 is not its fault.
                feedback = "" if error.provider_down else error.reason
                delay = error.retry_after if error.retry_after is not None else self._backoff(attempt)
                log.info("translation retry model=%s attempt=%s reason=%s", self.model, attempt + 1, error.reason)
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
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * (2**attempt) * (0.5 + random.random())

    def _request(
        self, title: str, abstract: str, glossary: Glossary, feedback: str, topics: Sequence[tuple[str, str]] = ()
    ) -> tuple[TranslatedText, int]:
        payload = {
            "model": self.model,
            "messages": build_messages(
                title,
                abstract,
                glossary=prompt_glossary(glossary, title, abstract),
                feedback=feedback,
                topics=topics,
            ),
            "response_format": {"type": "json_object"},
            "temperature": 0.2,
        }
        try:
            with self.client.stream("POST", self.url, json=payload) as response:
                raw = _read_limited(response)
        except httpx.TimeoutException:
            raise _provider_error("the translator timed out") from None
        except httpx.HTTPError as error:
            raise _provider_error(f"cannot reach the translator: {error.__class__.__name__}") from None
        status = response.status_code
        if status in (429, 500, 502, 503, 504):
            raise _provider_error(f"translator answered HTTP {status}", status, retry_after=_retry_after(response))
        if status != 200:
            raise TranslationError(f"translator answered HTTP {status}", retryable=False, http_status=status)
        if raw is None:
            raise _reply_error(f"reply is larger than {MAX_REPLY_BYTES} bytes", status)
        try:
            body = json.loads(raw)
            content = body["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise _reply_error("reply is not a chat-completions response", status) from None
        usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
        prompt_tokens, completion_tokens = _tokens(usage, "prompt_tokens"), _tokens(usage, "completion_tokens")
        try:
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


def _read_limited(response: httpx.Response) -> bytes | None:
    """The body, or None past MAX_REPLY_BYTES (the rest is not read)."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _provider_error(reason: str, status: int | None = None, *, retry_after: float | None = None) -> TranslationError:
    return TranslationError(reason, retry_after=retry_after, http_status=status, provider_down=True)


def _reply_error(reason: str, status: int) -> TranslationError:
    return TranslationError(reason, http_status=status)


#: The token columns are 32-bit; a provider's count past that (or infinite) is nonsense, kept at the ceiling.
MAX_TOKENS = 2**31 - 1


def _tokens(usage: dict, key: str) -> int:
    try:
        return min(max(0, int(usage.get(key) or 0)), MAX_TOKENS)
    except (TypeError, ValueError, OverflowError):
        return MAX_TOKENS if usage.get(key) == float("inf") else 0


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date (RFC 9110)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


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
    )
