"""In Chromium: a reader follows and mutes, chooses weekly in the preference centre; an email with TL;DR lines.
Screenshots under var/screenshots/ (relevance-*.png) for a person to look at."""

import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.e2e.conftest import screenshot
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_follow_mute_and_weekly_in_the_preference_centre(page, live_server, topics):
    reader = SubscriberFactory(language="zh-Hant-TW", topics=[topics["llm"]])
    page.goto(f"{live_server.url}/manage/{make_token(reader, 'manage')}/")
    page.check("input[name=frequency][value=weekly]")
    page.fill("input[name=follow_authors]", "Yann LeCun, Fei-Fei Li")
    page.fill("input[name=follow_keywords]", "Gaussian splatting")
    page.fill("input[name=follow_categories]", "cs.RO")
    page.fill("input[name=mute_keywords]", "benchmark")
    with page.expect_navigation():
        page.click("form:has(input[name=follow_authors]) button[type=submit]")
    assert page.locator(".notice").inner_text() == "已儲存。"
    assert page.locator("fieldset#follow legend").inner_text() == "關注"
    screenshot(page, "relevance-preference-centre-zh-TW")
    reader = Subscriber.objects.get(pk=reader.pk)
    assert reader.frequency == "weekly" and reader.follows["authors"] == ["Yann LeCun", "Fei-Fei Li"]
    assert reader.mutes["keywords"] == ["benchmark"]


def test_an_email_with_tldr_lines(page, topics, outbox_dir):
    papers = [
        ("Scaling Laws for Tokenizers", "分词器的缩放定律", "更大的词表在固定算力下带来更低的困惑度。"),
        ("Gaussian Splatting in Real Time", "实时高斯泼溅", "在手机上以每秒 60 帧渲染三维场景。"),
        ("A Survey Without Summary", "没有概括的综述", ""),
    ]
    for n, (title, zh_title, tldr) in enumerate(papers):
        paper = PaperFactory(title=title, score=10 - n, topics=[topics["llm"]])
        TranslationFactory(paper=paper, title=zh_title, tldr=tldr)
    SubscriberFactory(email="reader@example.com", language="zh-Hant-TW", follows={"keywords": ["Gaussian"]})
    send_edition(build_edition(paper.announced_on))
    (path,) = outbox_dir.glob("*.eml")
    html = email.message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("html",)).get_content()
    page.set_content(html)
    assert page.locator(".tldr").count() == 2
    assert "每秒 60 幀" in page.locator(".tldr").first.inner_text()
    screenshot(page, "relevance-email-tldr-zh-TW")
