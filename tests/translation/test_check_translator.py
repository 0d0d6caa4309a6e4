"""`check_translator`: one real request to the configured server, what works and what it costs, or one line
saying why it cannot translate. Every server here is a loopback HTTP server speaking the protocol."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from digest.models import GlossaryTerm
from tests.fakes.http import LoopbackServer, Reply, Request
from tests.fakes.llm import good_model
from tests.translation.conftest import answer_with, content_reply

pytestmark = pytest.mark.django_db


def check() -> str:
    out = StringIO()
    call_command("check_translator", stdout=out)
    return out.getvalue()


def failure() -> str:
    with pytest.raises(CommandError) as raised:
        check()
    return str(raised.value)


def report_line(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{label}: "))


def error_reply(status: int, body: dict | str) -> Reply:
    return Reply(status, body)


# --- a server that translates ------------------------------------------------------------------------------


def test_a_working_server_is_reported_with_model_server_latency_and_json_mode(serve):
    server = serve()
    out = check()
    assert report_line(out, "model") == "model: loopback-model"
    assert report_line(out, "server") == f"server: {server.url}/v1"
    assert report_line(out, "latency").startswith("latency: ") and "(1 request," in out
    assert report_line(out, "JSON mode").startswith("JSON mode: used")
    assert report_line(out, "checks") == "checks: passed, nothing to repair"
    assert server.requests[0].json()["response_format"] == {"type": "json_object"}


def test_the_api_key_is_sent_but_never_printed(serve):
    server = serve()
    out = check()
    assert server.requests[0].headers["Authorization"] == "Bearer test-key"
    assert "test-key" not in out


def test_a_key_in_the_base_url_is_not_printed(serve, settings):
    server = serve()
    settings.TRANSLATOR_BASE_URL = server.url.replace("http://", "http://user:secret-in-url@") + "/v1"
    out = check()
    assert "secret-in-url" not in out
    assert report_line(out, "server") == f"server: {server.url}/v1"


def test_tokens_and_the_cost_of_100_papers_come_from_the_reply_and_the_prices(serve, settings):
    serve(lambda request: content_reply(good_content(request), prompt_tokens=1200, completion_tokens=800))
    settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK, settings.TRANSLATOR_PRICE_COMPLETION_PER_MTOK = 0.27, 1.10
    out = check()
    assert report_line(out, "tokens") == "tokens: 1200 prompt + 800 completion"
    # 100 × 1200 × 0.27 / 1M + 100 × 800 × 1.10 / 1M = 0.0324 + 0.088
    assert report_line(out, "estimated cost of 100 papers") == "estimated cost of 100 papers: 0.1204 USD"


def test_the_cost_says_unknown_when_no_prices_are_set(serve):
    serve()
    assert "estimated cost of 100 papers: unknown (set TRANSLATOR_PRICE_PROMPT_PER_MTOK" in check()


def test_a_reply_without_usage_says_the_server_reports_no_tokens(serve, settings):
    def no_usage(request: Request) -> Reply:
        reply = content_reply(good_content(request))
        del reply.body["usage"]
        return reply

    serve(no_usage)
    settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK = 0.27
    out = check()
    assert report_line(out, "tokens") == "tokens: not reported by the server (its reply has no usage)"
    assert report_line(out, "estimated cost of 100 papers").endswith("unknown (the server reports no tokens)")


def test_soft_deviations_the_reply_needed_are_listed(serve):
    GlossaryTerm.objects.update_or_create(
        term="large language model", defaults={"zh_hans": "大语言模型", "variants": "大型语言模型", "enabled": True}
    )
    serve(answer_with(lambda source, good: {**good, "abstract": good["abstract"] + "大型语言模型的多语言能力。"}))
    checks = report_line(check(), "checks")
    assert checks.startswith("checks: passed with soft deviations")
    assert "大型语言模型 → 大语言模型 (large language model)" in checks


def test_the_sample_goes_with_the_glossary_and_topics_a_days_run_uses(serve):
    GlossaryTerm.objects.update_or_create(
        term="large language model", defaults={"zh_hans": "大语言模型", "enabled": True}
    )
    server = serve()
    check()
    system = server.requests[0].json()["messages"][0]["content"]
    assert "- large language model → 大语言模型" in system


def test_json_mode_is_reported_dropped_when_the_server_refuses_response_format(serve):
    def no_json_mode(request: Request) -> Reply:
        if "response_format" in request.json():
            return error_reply(
                400,
                {
                    "error": {
                        "message": "Unrecognized request argument supplied: response_format",
                        "type": "invalid_request_error",
                        "param": "response_format",
                        "code": None,
                    }
                },
            )
        return good_model(request)

    server = serve(no_json_mode)
    out = check()
    assert report_line(out, "JSON mode").startswith("JSON mode: dropped: the server refused response_format")
    assert report_line(out, "checks").startswith("checks: passed")
    assert "(2 requests," in out and "response_format" not in server.requests[-1].json()


# --- a server that cannot translate: a non-zero exit and one line saying why -------------------------------


def test_no_configuration_is_a_one_line_reason(settings):
    settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = "", ""
    assert failure().startswith("not configured: set TRANSLATOR_BASE_URL and TRANSLATOR_MODEL")


def test_a_refused_connection_is_unreachable(settings):
    with socket.socket() as probe:  # a port nothing listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = f"http://127.0.0.1:{port}/v1", "qwen3:8b"
    reason = failure()
    assert reason.startswith(f"unreachable: nothing answers at http://127.0.0.1:{port}/v1")
    assert "\n" not in reason


def test_a_wrong_key_is_reported_as_such_without_echoing_what_the_server_said(serve):
    serve(lambda request: error_reply(401, {"error": {"message": "Incorrect API key provided: test-***ey"}}))
    reason = failure()
    assert reason == "the server refused the API key (HTTP 401): check TRANSLATOR_API_KEY"


def test_an_openai_style_model_not_found_names_the_model(serve):
    serve(
        lambda request: error_reply(
            404,
            {
                "error": {
                    "message": "The model `loopback-model` does not exist or you do not have access to it.",
                    "type": "invalid_request_error",
                    "code": "model_not_found",
                }
            },
        )
    )
    reason = failure()
    assert reason.startswith("model not found:") and "'loopback-model'" in reason
    assert "does not exist" in reason and "check TRANSLATOR_MODEL" in reason


def test_model_not_found_in_the_body_counts_whatever_the_status(serve):
    serve(lambda request: error_reply(400, {"error": {"message": "no such model", "code": "model_not_found"}}))
    assert failure().startswith("model not found:")


def test_an_ollama_style_missing_model_is_model_not_found(serve):
    serve(lambda request: error_reply(404, {"error": 'model "loopback-model" not found, try pulling it first'}))
    reason = failure()
    assert reason.startswith("model not found:") and "try pulling it first" in reason


def test_a_bare_404_suggests_the_base_url_path(serve):
    serve(lambda request: error_reply(404, "404 page not found"))
    reason = failure()
    assert reason.startswith("model not found:") and "/v1" in reason


def test_another_error_status_is_reported_with_the_servers_message(serve):
    serve(lambda request: error_reply(400, {"error": {"message": "temperature must be at most 0.1 here"}}))
    assert failure() == "the server answered HTTP 400: temperature must be at most 0.1 here"


def test_a_server_that_does_not_answer_in_time_says_which_limit(serve, settings):
    serve(lambda request: Reply(200, good_model(request).body, delay=1.0))
    settings.TRANSLATOR_TIMEOUT_SECONDS = 0.2
    reason = failure()
    assert reason.startswith("no answer in time from ") and "TRANSLATOR_TIMEOUT_SECONDS=0.2" in reason


def test_a_refused_reply_says_why_after_one_request(serve):
    server = serve(lambda request: content_reply("Sure! Here is the translation you asked for."))
    reason = failure()
    assert reason.startswith("reply refused by the checks: reply is not JSON")
    assert len(server.requests) == 1, "a check is one request, not the retries of a day's run"


def test_an_english_echo_is_refused_with_its_reason(serve):
    serve(answer_with(lambda source, good: {"title": source["title"], "abstract": source["abstract"]}))
    reason = failure()
    assert reason.startswith("reply refused by the checks: ") and "\n" not in reason


# --- as a self-hoster runs it ------------------------------------------------------------------------------


def run_manage(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """manage.py check_translator in a process of its own, on an empty database (nothing set up yet)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATOR_")}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", "check_translator"],
        cwd=Path(django_settings.BASE_DIR),
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_non_zero_with_one_line_on_stderr(tmp_path):
    unauthorized = LoopbackServer(lambda request: error_reply(401, {"error": {"message": "bad key"}}))
    with unauthorized:
        result = run_manage(tmp_path, TRANSLATOR_BASE_URL=f"{unauthorized.url}/v1", TRANSLATOR_MODEL="m")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: the server refused the API key (HTTP 401): check TRANSLATOR_API_KEY"
    ]


def test_the_command_exits_zero_on_a_working_server_before_the_database_is_set_up(tmp_path):
    with LoopbackServer(good_model) as server:
        result = run_manage(tmp_path, TRANSLATOR_BASE_URL=f"{server.url}/v1", TRANSLATOR_MODEL="m")
    assert result.returncode == 0, result.stderr
    assert "checks: passed" in result.stdout and "the database is not set up yet" in result.stdout


def good_content(request: Request) -> str:
    return good_model(request).body["choices"][0]["message"]["content"]
