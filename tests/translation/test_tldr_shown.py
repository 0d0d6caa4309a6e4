"""The model's one-line TL;DR under each title: email (HTML and text), archive and RSS, in each variant through
OpenCC; no line at all when the model gave none."""

from __future__ import annotations

import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.models import Edition
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory, TranslationFactory

TLDR = "用更少内存处理数据的软件方法。"
EXPECTED = {
    "zh-Hant-TW": "用更少記憶體處理資料的軟體方法。",
    "zh-Hant-HK": "用更少內存處理數據的軟件方法。",
    "zh-Hans": TLDR,
}


def messages(outbox_dir) -> dict[str, email.message.EmailMessage]:
    found = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {str(m["To"]): m for m in found}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_email_shows_the_tldr_under_the_title_in_the_readers_variant(topics, outbox_dir, language):
    paper = PaperFactory(topics=[topics["llm"]])
    TranslationFactory(paper=paper, title="省内存的数据处理", tldr=TLDR)
    SubscriberFactory(email="reader@example.com", language=language)
    send_edition(build_edition(paper.announced_on))
    message = messages(outbox_dir)["reader@example.com"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert EXPECTED[language] in html and f"TL;DR {EXPECTED[language]}" in text
    assert html.index(EXPECTED[language]) < html.index('class="abstract"')


@pytest.mark.django_db(transaction=True)
def test_no_tldr_line_when_the_model_gave_none(topics, outbox_dir):
    paper = PaperFactory(topics=[topics["llm"]])
    TranslationFactory(paper=paper, tldr="")
    SubscriberFactory(email="reader@example.com", language="zh-Hant-TW")
    send_edition(build_edition(paper.announced_on))
    message = messages(outbox_dir)["reader@example.com"]
    assert "TL;DR" not in message.get_body(("html",)).get_content()
    assert "TL;DR" not in message.get_body(("plain",)).get_content()


@pytest.fixture
def published(db):
    entry = EditionEntryFactory(edition__status=Edition.Status.SENT)
    TranslationFactory(paper=entry.paper, tldr=TLDR)
    return entry


def test_the_archive_page_shows_the_tldr_in_the_chosen_variant(client, published):
    response = client.get("/archive/2025-05-28/?lang=zh-Hant-HK")
    assert EXPECTED["zh-Hant-HK"] in response.content.decode()


def test_the_rss_item_carries_the_tldr_in_its_variant(client, published):
    response = client.get("/archive/feed/zh-Hant-TW/rss/")
    assert EXPECTED["zh-Hant-TW"] in response.content.decode()
