"""Fixtures for the translation tests: a loopback chat-completions server whose replies each test scripts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from digest.translation.servers import forget_servers
from tests.fakes.http import LoopbackServer, Reply, Request
from tests.fakes.llm import completion, good_model, source_of


@pytest.fixture(autouse=True)
def _servers_forgotten() -> Iterator[None]:
    """What servers refused is remembered per process; a loopback port may come back in a later test."""
    forget_servers()
    yield
    forget_servers()


@pytest.fixture
def serve(settings) -> Iterator[Callable[..., LoopbackServer]]:
    """serve(handler) starts a loopback translator and points the settings at it (fast backoff)."""
    servers: list[LoopbackServer] = []

    def start(handler=good_model) -> LoopbackServer:
        server = LoopbackServer(handler).__enter__()
        servers.append(server)
        settings.TRANSLATOR_BASE_URL = server.url + "/v1"
        settings.TRANSLATOR_MODEL = "loopback-model"
        settings.TRANSLATOR_API_KEY = "test-key"
        settings.TRANSLATOR_BACKOFF_SECONDS = 0.01
        settings.TRANSLATOR_MAX_RETRIES = 2
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def scripted(*replies: Reply | Callable[[Request], Reply]) -> Callable[[Request], Reply]:
    """Answers with `replies` in order, then like the good model. A reply may be a function of the request."""
    queue = list(replies)

    def handler(request: Request) -> Reply:
        if not queue:
            return good_model(request)
        reply = queue.pop(0)
        return reply(request) if callable(reply) else reply

    return handler


def content_reply(content: dict | str, *, prompt_tokens: int = 900, completion_tokens: int = 700) -> Reply:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return Reply(200, completion(text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens))


def answer_with(transform: Callable[[dict[str, str], dict[str, str]], dict | str]) -> Callable[[Request], Reply]:
    """A reply made from the good model's answer: transform(source, good_answer) -> content."""

    def reply(request: Request) -> Reply:
        good = json.loads(good_model(request).body["choices"][0]["message"]["content"])
        return content_reply(transform(source_of(request), good))

    return reply
