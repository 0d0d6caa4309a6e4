"""What a model server accepts, learned from its refusals and remembered per (base URL, model) for the process.

The client asks for JSON mode (``response_format: {"type": "json_object"}``) and bounds the reply with
``max_tokens``. Not every OpenAI-compatible server takes both:

- OpenAI's older models and LM Studio answer ``response_format`` with HTTP 400 (OpenAI:
  ``{"error": {"message": "Invalid parameter: 'response_format' of type 'json_object' is not supported with this
  model.", "type": "invalid_request_error", "param": "response_format", ...}}``; LM Studio:
  ``{"error": "'response_format.type' must be 'json_schema'"}``). The prompt asks for JSON anyway, and the reply
  checks find the object in whatever the model writes, so the request is sent again without it;
- OpenAI's reasoning models refuse ``max_tokens`` ("Use 'max_completion_tokens' instead.");
- vLLM refuses a ``max_tokens`` larger than the model's context leaves ("This model's maximum context length is
  8192 tokens. However, you requested ... in the completion"): the limit is dropped, the server then uses what the
  context leaves.

Each adjustment is made once, on the 400 that names it, and kept for every later request to the same server and
model (a process-wide table; a restart asks again, which costs one refused request).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, replace
from enum import Enum


class Adjustment(Enum):
    DROP_JSON_MODE = "drop response_format"
    USE_MAX_COMPLETION_TOKENS = "send max_completion_tokens instead of max_tokens"
    DROP_REPLY_LIMIT = "send no token limit"


@dataclass(frozen=True)
class ServerTraits:
    json_mode: bool = True
    #: The request field bounding the reply, or "" when the server refused every limit we sent.
    limit_field: str = "max_tokens"

    def adjusted(self, adjustment: Adjustment) -> ServerTraits | None:
        """These traits after `adjustment`, or None when it changes nothing (the 400 is then a real refusal)."""
        if adjustment is Adjustment.DROP_JSON_MODE and self.json_mode:
            return replace(self, json_mode=False)
        if adjustment is Adjustment.USE_MAX_COMPLETION_TOKENS and self.limit_field == "max_tokens":
            return replace(self, limit_field="max_completion_tokens")
        if adjustment is Adjustment.DROP_REPLY_LIMIT and self.limit_field:
            return replace(self, limit_field="")
        return None


_known: dict[tuple[str, str], ServerTraits] = {}
_lock = threading.Lock()


def traits(url: str, model: str) -> ServerTraits:
    with _lock:
        return _known.get((url, model), ServerTraits())


def adjust(url: str, model: str, adjustment: Adjustment) -> bool:
    """Remembers `adjustment` for this server and model; False when it was already made (nothing left to try)."""
    with _lock:
        current = _known.get((url, model), ServerTraits())
        changed = current.adjusted(adjustment)
        if changed is None:
            return False
        _known[(url, model)] = changed
        return True


def forget_servers() -> None:
    """Forgets every server's traits (tests; a process starts with none)."""
    with _lock:
        _known.clear()


_RENAME_RE = re.compile(r"use\s+'?max_completion_tokens'?\s+instead", re.IGNORECASE)
_TOO_LONG_RE = re.compile(r"maximum context length|too large", re.IGNORECASE)


def requested_adjustment(status: int, raw: bytes) -> Adjustment | None:
    """What a 400 (or 422) refusal asks us to change, read from an OpenAI-style error body (or a plain one)."""
    if status not in (400, 422):
        return None
    param, message = _error_fields(raw)
    if "response_format" in param or "response_format" in message or "json_object" in message:
        return Adjustment.DROP_JSON_MODE
    limit_named = "max_tokens" in param or "max_tokens" in message or "max_completion_tokens" in message
    if _TOO_LONG_RE.search(message) and (limit_named or "in the completion" in message):
        return Adjustment.DROP_REPLY_LIMIT
    if _RENAME_RE.search(message):
        return Adjustment.USE_MAX_COMPLETION_TOKENS
    return None


def _error_fields(raw: bytes) -> tuple[str, str]:
    """(param, message) of an error body: {"error": {...}} (OpenAI), {"error": "..."} (LM Studio), a top-level
    {"message": ..., "param": ...} (older vLLM), or the text itself."""
    text = raw[:4096].decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        return "", text
    if not isinstance(body, dict):
        return "", text
    error = body.get("error", body)
    if isinstance(error, str):
        return "", error
    if not isinstance(error, dict):
        return "", text
    return str(error.get("param") or ""), str(error.get("message") or "")
