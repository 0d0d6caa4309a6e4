"""The daily run in-process (no broker): fetch -> translate -> build -> send, and what a quiet day does."""

import datetime
import email
import logging
from email import policy

import pytest
import time_machine
from django.core.management import CommandError, call_command

from digest.daily import fetch_enabled_sources
from digest.models import Delivery, Edition, Source
from tests.conftest import sample
from tests.factories import SubscriberFactory
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def feeds(topics):
    files = {"/rss/cs.AI": "arxiv_rss_cs.AI_2025-05-28.xml", "/api/daily_papers": "hf_daily_papers_2025-05-28.json"}
    with LoopbackServer(lambda r: Reply(200, sample(files[r.path])) if r.path in files else Reply(404)) as server:
        Source.objects.all().delete()
        Source.objects.create(slug="ai", name="cs.AI", kind="arxiv_rss", url=server.url + "/rss/cs.AI")
        Source.objects.create(slug="hf", name="HF", kind="hf_daily", url=server.url + "/api/daily_papers")
        yield server


def test_run_daily_in_process_sends_the_day_and_a_second_run_sends_nothing(feeds, translator_settings, outbox_dir):
    SubscriberFactory.create_batch(3)
    call_command("run_daily")
    assert Edition.objects.get().status == "sent"
    assert len(list(outbox_dir.glob("*.eml"))) == 3
    call_command("run_daily")
    assert len(list(outbox_dir.glob("*.eml"))) == 3
    assert Delivery.objects.count() == 3


def test_run_daily_without_a_translator_still_sends_in_english(feeds, settings, outbox_dir):
    settings.TRANSLATOR_BASE_URL = ""
    SubscriberFactory(language="zh-Hant-TW")
    call_command("run_daily")
    (path,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert str(message["Subject"]).strip().startswith("每日精選 AI 論文")
    html = message.get_body(("html",)).get_content()
    assert "尚未翻譯" in html and "https://arxiv.org/abs/" in html


def test_a_source_that_fails_does_not_stop_the_others(feeds):
    Source.objects.create(slug="down", name="down", kind="arxiv_rss", url="http://127.0.0.1:9/rss")
    report = fetch_enabled_sources()
    assert report.new_papers > 0 and len(report.errors) == 1 and "down" in report.errors[0]


def test_a_weekday_fetch_that_finds_nothing_warns_the_operator(topics, caplog):
    with LoopbackServer(lambda request: Reply(200, sample("arxiv_rss_cs.AI_2025-05-28.xml"))) as server:
        Source.objects.all().delete()
        Source.objects.create(slug="ai", name="cs.AI", kind="arxiv_rss", url=server.url + "/rss")
        fetch_enabled_sources()
        with (
            time_machine.travel(datetime.datetime(2025, 5, 29, 9, 0, tzinfo=datetime.UTC)),
            caplog.at_level(logging.WARNING),
        ):
            fetch_enabled_sources()
    assert "weekday fetch found no new papers" in caplog.text


def test_run_daily_builds_but_holds_an_edition_that_needs_approval(feeds, settings, outbox_dir, caplog):
    from digest.models import SiteSettings

    settings.TRANSLATOR_BASE_URL = ""
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    SubscriberFactory()
    with caplog.at_level(logging.WARNING):
        call_command("run_daily")
    assert Edition.objects.get().status == "draft"
    assert not list(outbox_dir.glob("*.eml"))
    assert "waiting for an editor's approval" in caplog.text


def test_a_weekday_fetch_that_finds_nothing_mails_the_admins_once(topics, settings, mailoutbox):
    settings.ADMINS = [("ops", "ops@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with LoopbackServer(lambda request: Reply(200, sample("arxiv_rss_cs.AI_2025-05-28.xml"))) as server:
        Source.objects.all().delete()
        Source.objects.create(slug="ai", name="cs.AI", kind="arxiv_rss", url=server.url + "/rss")
        fetch_enabled_sources()
        with time_machine.travel(datetime.datetime(2025, 5, 29, 9, 0, tzinfo=datetime.UTC)):
            fetch_enabled_sources()
            fetch_enabled_sources()  # a re-run the same morning does not mail again
    (message,) = mailoutbox
    assert message.to == ["ops@example.org"] and "found no new papers" in message.subject
    assert "ai: 0 new" in message.body or "not modified" in message.body


def test_when_every_source_fails_run_daily_exits_non_zero_and_mails_the_admins(topics, settings, mailoutbox):
    settings.ADMINS = [("ops", "ops@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Source.objects.all().delete()
    Source.objects.create(slug="down", name="down", kind="arxiv_rss", url="http://127.0.0.1:9/rss")
    with pytest.raises(CommandError, match="every source failed"):
        call_command("run_daily")
    (message,) = mailoutbox
    assert "every source failed" in message.subject and "down" in message.body
    assert not Edition.objects.exists()


def test_fetch_papers_shows_progress_per_source(feeds, capsys):
    call_command("fetch_papers")
    captured = capsys.readouterr()
    assert "fetching" in captured.err and "2/2" in captured.err
