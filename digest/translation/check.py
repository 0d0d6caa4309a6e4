"""What a self-hoster runs first: one real request to the configured model server with a built-in sample paper.

It goes through the same client, prompt, glossary and reply checks as `translate_papers`, so what it reports is
what a day's run will meet: the latency of one paper, whether the server took JSON mode (`response_format`) or the
client had to drop it, whether the reply passed the checks and which soft deviations were accepted, the tokens, and
what 100 such papers cost at the configured prices. A server that cannot translate is explained in one line
(`TranslatorCheckFailed`): not configured, unreachable, a refused key, an unknown model, an error status, or a reply
the checks refuse and why.

One attempt, no retries: a retry with the refusal reason in the prompt hides how the model answers at first, and
waiting out backoffs on a server that is down tells the self-hoster nothing more. Only the client's own fallbacks
for a server's limits (JSON mode dropped) may add requests.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.db import DatabaseError

from digest.models import Topic
from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary, active_glossary
from digest.translation.translators import Attempt, OpenAICompatibleTranslator, get_translator
from digest.translation.usage import estimated_cost, format_cost

#: A made-up abstract of a median arXiv length (1,469 characters over five real days of cs.AI/CL/CV/LG/stat.ML,
#: tests/fixtures/real_days), so its tokens, latency and cost stand for a typical paper. It carries what the
#: checks look after: an acronym kept in English, numbers with units, a LaTeX span and a URL.
SAMPLE_TITLE = "Routing Experts by Language: Sparse Adapters for Multilingual Instruction Tuning of Small LLMs"
SAMPLE_ABSTRACT = (
    "Instruction tuning adapts large language models (LLMs) to follow requests, but one set of adapter weights "
    "shared by every language lets high-resource languages crowd out the rest. We propose LangMoE, a sparse mixture "
    "of low-rank adapters in which a learned router sends each token to two of eight experts, adding 0.6% "
    "parameters to a 7B base model. Trained on instruction pairs in 24 languages with a context of 32k tokens, "
    "LangMoE raises the average win rate against a dense adapter from 50.0% to 61.4% on a multilingual chat "
    "benchmark and exact match on cross-lingual question answering by 3.1 points, with the largest gains in "
    "Swahili, Bengali and Thai. The router needs no language labels at inference time: its choices cluster by "
    "script and language family, and removing the load-balancing loss collapses it onto three experts. Because "
    "only the selected experts run, decoding is 1.8$\\times$ faster than serving one dense adapter per language, "
    "at a memory cost of 420 MB. Preference tuning with reinforcement learning from human feedback after LangMoE "
    "keeps 92% of its multilingual gains, whereas tuning the dense adapter erases half of them. Ablations over the "
    "number of experts, the rank of each adapter and the router temperature show that eight experts of rank 16 "
    "suffice for up to 40 languages. Human raters preferred the replies of LangMoE in 58% of pairwise comparisons. "
    "Code and checkpoints are available at https://github.com/example/langmoe."
)
#: The estimate a self-hoster can compare with a day: a busy day brings a few hundred papers.
ESTIMATE_PAPERS = 100
#: How much of a server's error message is worth a line.
MESSAGE_CHARS = 160

NOT_CONFIGURED = (
    "not configured: set TRANSLATOR_BASE_URL and TRANSLATOR_MODEL (and TRANSLATOR_API_KEY if the server wants one)"
)
_MODEL_MISSING_RE = re.compile(r"model.*(?:not found|does not exist|not exist|no such|unknown|not available)", re.I)


class TranslatorCheckFailed(Exception):
    """The configured server cannot translate; the message is the one-line reason."""


@dataclass
class Exchange:
    """One HTTP request as the check saw it go out and come back."""

    json_mode: bool  # the request carried response_format
    status: int | None = None  # None: no answer at all
    error_body: bytes = b""  # the body of an error status (the server's explanation)


@dataclass
class ExchangeLog:
    """Watches the translator's HTTP client through httpx's public event hooks: what each request asked for and,
    for an error status, the body the server explained it with (the translator keeps only the status)."""

    exchanges: list[Exchange] = field(default_factory=list)

    def attach(self, client: httpx.Client) -> None:
        client.event_hooks["request"].append(self.on_request)
        client.event_hooks["response"].append(self.on_response)

    def on_request(self, request: httpx.Request) -> None:
        try:
            payload = json.loads(request.content)
        except ValueError:
            payload = {}
        self.exchanges.append(Exchange(json_mode=isinstance(payload, dict) and "response_format" in payload))

    def on_response(self, response: httpx.Response) -> None:
        if not self.exchanges:
            return
        exchange = self.exchanges[-1]
        exchange.status = response.status_code
        if response.status_code >= 400:
            response.read()  # kept by httpx: the translator still reads the same body afterwards
            exchange.error_body = response.content[:4096]


@dataclass(frozen=True)
class CheckResult:
    model: str
    base_url: str
    latency_ms: int
    requests: int
    json_mode: str
    review_reasons: tuple[str, ...]
    prompt_tokens: int  # of the accepted reply: one paper
    completion_tokens: int
    glossary_terms: int  # in the editors' glossary (the prompt carries those the paper uses)
    topics: int
    site_context: bool = True  # False: no database yet, so no glossary or topics were in the prompt

    @property
    def cost_of_estimate(self) -> Decimal:
        return estimated_cost(self.prompt_tokens * ESTIMATE_PAPERS, self.completion_tokens * ESTIMATE_PAPERS)

    def lines(self) -> list[str]:
        """The report, one fact a line."""
        requests = f"{self.requests} request" + ("s" if self.requests != 1 else "")
        checks = "passed, nothing to repair"
        if self.review_reasons:
            checks = "passed with soft deviations (accepted, flagged for an editor): " + "; ".join(self.review_reasons)
        if self.prompt_tokens or self.completion_tokens:
            tokens = f"{self.prompt_tokens} prompt + {self.completion_tokens} completion"
            cost = format_cost(self.cost_of_estimate)
        else:
            tokens = "not reported by the server (its reply has no usage)"
            cost = "unknown (the server reports no tokens)"
        prompt = f"as a day's run sends it: the site's {self.topics} topics, the glossary's {self.glossary_terms} terms"
        if not self.site_context:
            prompt = "without the glossary or topics (the database is not set up yet: make demo or migrate)"
        return [
            f"model: {self.model}",
            f"server: {self.base_url}",
            f"latency: {self.latency_ms / 1000:.2f} s ({requests}, sample paper of {len(SAMPLE_ABSTRACT)} characters)",
            f"JSON mode: {self.json_mode}",
            f"checks: {checks}",
            f"tokens: {tokens}",
            f"estimated cost of {ESTIMATE_PAPERS} papers: {cost}",
            f"prompt: {prompt}",
        ]


def public_base_url(base_url: str) -> str:
    """The base URL without any user:password part, which may hold a key."""
    parts = urlsplit(base_url)
    if "@" not in parts.netloc:
        return base_url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_translator(
    translator: OpenAICompatibleTranslator | None = None, *, say: Callable[[str], None] | None = None
) -> CheckResult:
    """Translates the sample paper once with `translator` (default: the configured one). `say` hears what is
    about to happen (the request may take a while). TranslatorCheckFailed with the reason when it fails."""
    translator = translator or get_translator()
    if translator is None:
        raise TranslatorCheckFailed(NOT_CONFIGURED)
    base_url = public_base_url(settings.TRANSLATOR_BASE_URL or translator.url.removesuffix("/chat/completions"))
    translator.max_retries = 0
    log = ExchangeLog()
    log.attach(translator.client)
    glossary, topics, site_context = _site_context()
    if say:
        say(f"asking {translator.model} at {base_url} to translate a sample paper ...")
    attempts: list[Attempt] = []
    started = time.monotonic()
    try:
        text = translator.translate(
            SAMPLE_TITLE, SAMPLE_ABSTRACT, glossary=glossary, on_attempt=attempts.append, topics=topics
        )
    except TranslationError as error:
        raise TranslatorCheckFailed(failure_reason(error, log, translator.model, base_url)) from None
    return CheckResult(
        model=translator.model,
        base_url=base_url,
        latency_ms=int((time.monotonic() - started) * 1000),
        requests=max(len(log.exchanges), len(attempts)),
        json_mode=json_mode(translator, log),
        review_reasons=text.review_reasons,
        prompt_tokens=text.prompt_tokens,
        completion_tokens=text.completion_tokens,
        glossary_terms=len(glossary),
        topics=len(topics),
        site_context=site_context,
    )


def _site_context() -> tuple[Glossary, tuple[tuple[str, str], ...], bool]:
    """The editors' glossary and the site's topics, as a day's run puts them in the prompt; none before the
    database exists, so the server can be checked before anything else is set up."""
    try:
        return active_glossary(), tuple(Topic.objects.values_list("slug", "description_en")), True
    except DatabaseError:
        return (), (), False


def json_mode(translator: OpenAICompatibleTranslator, log: ExchangeLog) -> str:
    """How the accepted reply was asked for: in JSON mode, or with JSON mode dropped for this server and model.

    The client says so itself (`json_mode`: "used" or "dropped"); a client that does not is judged by what its
    last request carried."""
    state = getattr(translator, "json_mode", None)
    if state is None:
        dropped = bool(log.exchanges) and not log.exchanges[-1].json_mode
    else:
        dropped = state in ("dropped", False)
    if not dropped:
        return "used (the server accepted response_format)"
    if any(exchange.json_mode for exchange in log.exchanges):
        return "dropped: the server refused response_format, so the prompt alone asks for JSON"
    return "dropped before (this server refused response_format), so the prompt alone asks for JSON"


def failure_reason(error: TranslationError, log: ExchangeLog, model: str, base_url: str) -> str:
    """One line saying why the server cannot translate, from the client's error and what the server said."""
    answered = [exchange for exchange in log.exchanges if exchange.status is not None]
    last = answered[-1] if answered else None
    status = error.http_status if error.http_status is not None else (last.status if last else None)
    message, code = _error_message(last.error_body) if last and last.error_body else ("", "")
    said = f": {message}" if message else ""
    if status is None and error.provider_down:
        if "timed out" in error.reason or "deadline" in error.reason or "time limit" in error.reason:
            return f"no answer in time from {base_url}: {error.reason} ({_time_limits()})"
        return f"unreachable: nothing answers at {base_url} ({error.reason}); is the server running at that address?"
    if status in (401, 403):
        # The server's message is left out: some echo part of the key.
        return f"the server refused the API key (HTTP {status}): check TRANSLATOR_API_KEY"
    if code == "model_not_found" or (status in (400, 404) and _MODEL_MISSING_RE.search(message)):
        return f"model not found: {base_url} has no model {model!r} (HTTP {status}{said}); check TRANSLATOR_MODEL"
    if status == 404:
        return (
            f"model not found: {base_url} answered HTTP 404{said} (no model {model!r} there, or "
            "TRANSLATOR_BASE_URL lacks the path before /chat/completions, often /v1)"
        )
    if status is not None and status != 200:
        return f"the server answered HTTP {status}{said}"
    return f"reply refused by the checks: {error.reason}"


def _time_limits() -> str:
    limits = [f"TRANSLATOR_TIMEOUT_SECONDS={settings.TRANSLATOR_TIMEOUT_SECONDS:g}"]
    deadline = getattr(settings, "TRANSLATOR_REQUEST_DEADLINE_SECONDS", None)
    if deadline is not None:
        limits.append(f"TRANSLATOR_REQUEST_DEADLINE_SECONDS={deadline:g}")
    return ", ".join(limits)


def _error_message(body: bytes) -> tuple[str, str]:
    """(message, code) of an error body: OpenAI's {"error": {"message", "code"}}, Ollama's {"error": "..."},
    or {"message": ...}; plain text as it is. Shortened to one line."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return _one_line(text), ""
    error = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(error, dict):
        message, code = error.get("message") or error.get("detail") or "", error.get("code") or error.get("type")
        return _one_line(str(message)), str(code or "")
    return _one_line(str(error)), ""


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
