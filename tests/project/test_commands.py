"""The public CLI: --help for each command, work done, and a non-zero exit with a one-line reason."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from digest.models import Edition, Paper
from subscribers.models import Subscriber
from tests.conftest import FIXTURES, SAMPLE_DATA
from tests.factories import PaperFactory, SubscriberFactory

COMMANDS = [
    "fetch_papers",
    "translate_papers",
    "build_edition",
    "send_edition",
    "run_daily",
    "demo",
    "import_subscribers",
]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    result = subprocess.run(
        [sys.executable, "manage.py", name, "--help"], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0 and "usage:" in result.stdout


def test_failure_exits_non_zero_with_one_line_reason():
    result = subprocess.run(
        [sys.executable, "manage.py", "fetch_papers", "--file", "/nonexistent.xml", "--kind", "arxiv_rss"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: no such file: /nonexistent.xml"


@pytest.mark.django_db
def test_fetch_papers_from_a_file(topics):
    out, _ = run("fetch_papers", "--file", str(SAMPLE_DATA / "arxiv_rss_cs.AI_2025-05-28.xml"), "--kind", "arxiv_rss")
    assert "60 new" in out and Paper.objects.count() == 60


@pytest.mark.django_db
def test_fetch_papers_from_a_broken_file_says_why(topics):
    with pytest.raises(CommandError, match="not well-formed"):
        run("fetch_papers", "--file", str(FIXTURES / "bad" / "truncated.xml"), "--kind", "arxiv_rss")


@pytest.mark.django_db
def test_fetch_papers_reports_skipped_items(topics):
    _, err = run("fetch_papers", "--file", str(FIXTURES / "bad" / "missing_fields.xml"), "--kind", "arxiv_rss")
    assert "item 4 skipped: 2505.91004: no title" in err


@pytest.mark.django_db
def test_build_edition_on_a_weekend_says_why():
    PaperFactory()
    with pytest.raises(CommandError, match="Saturdays and Sundays"):
        run("build_edition", "--date", "2025-05-31")


@pytest.mark.django_db
def test_build_edition_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("build_edition", "--date", "28/05/2025")


@pytest.mark.django_db(transaction=True)
def test_build_then_send_then_send_again(outbox_dir):
    PaperFactory()
    SubscriberFactory.create_batch(2)
    out, _ = run("build_edition", "--date", "2025-05-28")
    assert "1 papers" in out
    run("send_edition", "--date", "2025-05-28")
    out, _ = run("send_edition", "--date", "2025-05-28")
    assert "0 to send" in out and "2 already sent" in out
    assert len(list(outbox_dir.glob("*.eml"))) == 2
    assert Edition.objects.get().status == "sent"


@pytest.mark.django_db
def test_send_edition_dry_run_prints_variants_and_sends_nothing(outbox_dir):
    PaperFactory()
    run("build_edition", "--date", "2025-05-28")
    SubscriberFactory(language="zh-Hant-HK")
    out, _ = run("send_edition", "--dry-run")
    assert "would send 1" in out and "zh-Hant-HK, 1 papers" in out
    assert not list(outbox_dir.glob("*.eml"))


@pytest.mark.django_db
def test_send_edition_without_an_edition_fails():
    with pytest.raises(CommandError, match="no edition"):
        run("send_edition", "--date", "2025-05-28")


@pytest.mark.django_db
def test_translate_papers_without_a_translator_says_how_to_configure(settings):
    settings.TRANSLATOR_BASE_URL = ""
    with pytest.raises(CommandError, match="TRANSLATOR_BASE_URL"):
        run("translate_papers")


@pytest.mark.django_db
def test_translate_papers_twice_makes_no_second_request(translator_settings, topics):
    run("fetch_papers", "--file", str(SAMPLE_DATA / "hf_daily_papers_2025-05-28.json"), "--kind", "hf_daily")
    out1, _ = run("translate_papers", "--date", "2025-05-28", "--limit", "5")
    out2, _ = run("translate_papers", "--date", "2025-05-28")
    out3, _ = run("translate_papers", "--date", "2025-05-28")
    assert out1.startswith("5 translated") and out2.startswith("20 translated, 0 failed, 5 already")
    assert out3.startswith("0 translated, 0 failed, 25 already translated")
    assert len(translator_settings.requests) == 25


def write_csv(tmp_path, body):
    path = tmp_path / "subscribers.csv"
    path.write_text("email,language,topics,bilingual,max_papers\n" + body, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_import_subscribers_keeps_good_rows_and_reports_bad_ones_by_line(topics, tmp_path):
    path = write_csv(
        tmp_path,
        "a@example.com,zh-Hant-TW,llm;vision,true,8\n"
        "not-an-email,zh-Hans,,false,5\n"
        "b@example.com,klingon,,false,5\n"
        "c@example.com,en,,,\n"
        "d@example.com,zh-Hant-HK,no-such-topic,false,5\n",
    )
    out, err = run("import_subscribers", path)
    assert "imported 2 new" in out
    assert "line 3: invalid email" in err and "line 4: language must be" in err and "line 6: unknown topics" in err
    a = Subscriber.objects.get(email="a@example.com")
    assert a.status == "active" and a.bilingual and a.max_papers == 8
    assert {t.slug for t in a.topics.all()} == {"llm", "vision"}


@pytest.mark.django_db
def test_import_subscribers_dry_run_stores_nothing(topics, tmp_path):
    out, _ = run("import_subscribers", write_csv(tmp_path, "a@example.com,en,,,\n"), "--dry-run")
    assert "would import 1 new" in out and not Subscriber.objects.exists()


@pytest.mark.django_db
def test_import_subscribers_rejects_a_wrong_header(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("mail,lang\nx@example.com,en\n")
    with pytest.raises(CommandError, match="header must be"):
        run("import_subscribers", str(path))


@pytest.mark.django_db
def test_demo_readers_live_in_time_zones_that_match_their_language(topics):
    from digest.management.commands.demo import Command

    Command(stdout=StringIO())._demo_subscribers()
    zones = dict(Subscriber.objects.values_list("language", "time_zone"))
    assert zones == {
        "zh-Hant-TW": "Asia/Taipei",
        "zh-Hant-HK": "Asia/Hong_Kong",
        "zh-Hans": "Asia/Shanghai",
        "en": "Europe/London",
    }
