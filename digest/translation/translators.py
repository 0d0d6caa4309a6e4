"""Translators: the OpenAI-compatible chat-completions client, and 'none' when no model is configured."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings

from .errors import TranslationError
from .prompt import PROMPT_VERSION, build_messages
from .validation import parse_reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslatedText:
    title: str
    abstract: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Translator(Protocol):
    model: str
    prompt_version: str

    def translate(self, title: str, abstract: str) -> TranslatedText: ...


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
        self.client = client or httpx.Client(timeout=timeout, headers=headers)

    def translate(self, title: str, abstract: str) -> TranslatedText:
        feedback = ""
        for attempt in range(self.max_retries + 1):
            try:
                return self._request(title, abstract, feedback)
            except TranslationError as error:
                if not error.retryable or attempt == self.max_retries:
                    raise
                feedback = error.reason
                delay = error.retry_after if error.retry_after is not None else self._backoff(attempt)
                log.info("translation retry model=%s attempt=%s reason=%s", self.model, attempt + 1, error.reason)
                time.sleep(min(delay, 60.0))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * (2**attempt) * (0.5 + random.random())

    def _request(self, title: str, abstract: str, feedback: str) -> TranslatedText:
        payload = {
            "model": self.model,
            "messages": build_messages(title, abstract, feedback=feedback),
            "response_format": {"type": "json_object"},
            "temperature": 0.2,
        }
        try:
            response = self.client.post(self.url, json=payload)
        except httpx.TimeoutException:
            raise TranslationError("the translator timed out") from None
        except httpx.HTTPError as error:
            raise TranslationError(f"cannot reach the translator: {error.__class__.__name__}") from None
        if response.status_code in (429, 500, 502, 503, 504):
            raise TranslationError(
                f"translator answered HTTP {response.status_code}", retry_after=_retry_after(response)
            )
        if response.status_code != 200:
            raise TranslationError(f"translator answered HTTP {response.status_code}", retryable=False)
        try:
            body = response.json()
            content = body["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TranslationError("reply is not a chat-completions response") from None
        translated_title, translated_abstract = parse_reply(content, title, abstract)
        usage = body.get("usage") or {}
        return TranslatedText(
            title=translated_title,
            abstract=translated_abstract,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


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
    )
