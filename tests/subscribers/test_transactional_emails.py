"""A reader's confirmation email is in their own variant the whole way: From name, the HTML's lang and fonts, and a
Message-ID in the site's mail domain (not this machine's host name)."""

from __future__ import annotations

import pytest

from subscribers.subscription import send_transactional
from tests.conftest import sent_emails

pytestmark = pytest.mark.django_db


def confirmation(outbox_dir, language: str):
    send_transactional("reader@example.com", language, "confirm", {"link": "https://x.example/c/1/", "days": 7})
    (message,) = sent_emails(outbox_dir)
    return message


def test_a_hong_kong_readers_confirmation_comes_from_the_sites_hong_kong_name(outbox_dir):
    message = confirmation(outbox_dir, "zh-Hant-HK")
    assert message["From"].addresses[0].display_name == "每日精選 AI 論文"
    assert message["From"].addresses[0].addr_spec == "digest@daily-ai-papers.example"


def test_a_mainland_readers_confirmation_is_simplified_in_name_lang_and_fonts(outbox_dir):
    message = confirmation(outbox_dir, "zh-Hans")
    html = message.get_body(("html",)).get_content()
    assert message["From"].addresses[0].display_name == "每日精选 AI 论文"
    assert '<html lang="zh-Hans">' in html and "PingFang SC" in html and "PingFang TC" not in html


def test_a_taiwan_readers_confirmation_uses_traditional_fonts(outbox_dir):
    html = confirmation(outbox_dir, "zh-Hant-TW").get_body(("html",)).get_content()
    assert '<html lang="zh-Hant-TW">' in html and "PingFang TC" in html


def test_the_message_id_is_in_the_sites_mail_domain(outbox_dir):
    assert confirmation(outbox_dir, "en")["Message-ID"].endswith("@daily-ai-papers.example>")
