"""`manage.py check_setup`: one line per part the day depends on, non-zero exit when any fails."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from digest import setup_checks
from tests.fakes.http import LoopbackServer, Reply
from tests.fakes.llm import good_model
from tests.fakes.smtp import FakeSMTPServer
from tests.workers import TEST_REDIS_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    with LoopbackServer(lambda request: Reply(200, b"<html></html>")) as server:
        settings.SITE_URL = server.url
        yield server


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_setup", *args, stdout=out)
    return out.getvalue()


def test_a_healthy_in_process_installation_passes_every_check(site, settings):
    settings.TRANSLATOR_BASE_URL, settings.CELERY_BROKER_URL = "", ""
    output = run()
    assert [line.split(":")[0].split()[-1] for line in output.splitlines()] == list(setup_checks.CHECKS)
    assert all(line.startswith("ok") for line in output.splitlines()), output


def test_the_default_in_memory_broker_counts_as_tasks_run_in_process(settings):
    """With CELERY_BROKER_URL unset the settings default to memory://, and no worker or beat exists to ask."""
    settings.CELERY_BROKER_URL = "memory://localhost/"
    checks = [setup_checks.check_broker(), setup_checks.check_workers(), setup_checks.check_beat()]
    assert all(c.ok and ("in-process" in c.detail or "without a broker" in c.detail) for c in checks), checks


def test_a_site_url_that_does_not_answer_fails_with_a_reason(settings):
    settings.SITE_URL, settings.TRANSLATOR_BASE_URL, settings.CELERY_BROKER_URL = "http://127.0.0.1:9", "", ""
    with pytest.raises(CommandError, match="1 of 7 checks failed: site"):
        run()


def test_the_smtp_provider_is_asked_for_its_greeting(settings):
    with FakeSMTPServer() as smtp:
        smtp.configure(settings)
        check = setup_checks.check_mail()
    assert check.ok and "answers EHLO (250)" in check.detail


def test_an_smtp_server_that_is_down_fails(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    check = setup_checks.check_mail()
    assert not check.ok and "SMTP 127.0.0.1:9" in check.detail


def test_a_translator_that_answers_passes_and_one_that_refuses_the_key_fails(settings):
    settings.TRANSLATOR_MODEL, settings.TRANSLATOR_API_KEY = "loopback-model", "k"
    with LoopbackServer(good_model) as server:
        settings.TRANSLATOR_BASE_URL = server.url + "/v1"
        assert setup_checks.check_translation().ok
    with LoopbackServer(lambda request: Reply(401, b'{"error": {"message": "bad key"}}')) as server:
        settings.TRANSLATOR_BASE_URL = server.url + "/v1"
        assert not setup_checks.check_translation().ok


def test_a_broker_with_no_worker_fails_the_workers_check(settings):
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    from newsletter.celery import app

    app.conf.broker_url = TEST_REDIS_URL
    try:
        assert setup_checks.check_broker().ok
        workers = setup_checks.check_workers()
    finally:
        app.conf.broker_url = None
    assert not workers.ok and "no worker answered" in workers.detail


def test_an_unreachable_broker_fails(settings):
    settings.CELERY_BROKER_URL = "redis://:secret@127.0.0.1:9/0"
    from newsletter.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        check = setup_checks.check_broker()
    finally:
        app.conf.broker_url = None
    assert not check.ok and "secret" not in check.detail


def test_beat_is_stale_after_three_missed_ticks(settings):
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    redis_cache = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": redis_cache, "LOCATION": TEST_REDIS_URL}}
    setup_checks.beat_ticked()
    assert setup_checks.check_beat().ok
    stale = setup_checks.check_beat(now=time.time() + setup_checks.BEAT_STALE_SECONDS + 60)
    assert not stale.ok and "minutes ago" in stale.detail


def test_beat_cannot_be_judged_through_a_per_process_cache(settings):
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    check = setup_checks.check_beat()
    assert not check.ok and "CACHE_URL" in check.detail
