"""The editors' own admin pages in Chromium: topic keywords one per line, the results page, in Chinese.

Screenshots (var/screenshots/): admin-topic-keywords, admin-topic-keywords-error, admin-results-figures,
admin-subscriber-import-zh-tw, admin-translation-usage-zh-tw (the browser asks for zh-TW).
"""

import pytest

from digest.models import Delivery, EmailEvent, Topic
from tests.admin_users import make_staff
from tests.e2e.conftest import log_in, screenshot
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_edits_topic_keywords_one_per_line(page, live_server, topics):
    make_staff("mei", "editor")
    topic = Topic.objects.get(slug="vision")
    Topic.objects.filter(pk=topic.pk).update(keywords=[r"\bdiffusion\b", "text-to-image"])
    log_in(page, live_server, "mei")
    page.goto(f"{live_server.url}/admin/digest/topic/{topic.pk}/change/")
    textarea = page.locator("textarea#id_keywords")
    assert textarea.input_value() == "\\bdiffusion\\b\ntext-to-image"
    screenshot(page, "admin-topic-keywords")

    textarea.fill("\\bdiffusion\\b\n\ntext-to-image\n(unclosed")
    page.click("input[name=_continue]")
    # The browser asks for zh-TW (tests/e2e/conftest.py): the error is in Taiwan's Traditional Chinese.
    assert "第 4 行：'(unclosed' 不是有效的正規表示式" in page.locator(".errorlist").inner_text()
    screenshot(page, "admin-topic-keywords-error")

    textarea = page.locator("textarea#id_keywords")
    textarea.fill("\\bdiffusion\\b\n\ntext-to-image\nvideo generation")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    topic.refresh_from_db()
    assert topic.keywords == [r"\bdiffusion\b", "text-to-image", "video generation"]


def test_results_page_shows_language_by_bilingual_figures_and_failure_reasons(page, live_server):
    make_staff("mei", "editor")
    edition = EditionFactory()
    readers = [("zh-Hant-TW", False)] * 4 + [("zh-Hant-TW", True)] * 2 + [("zh-Hant-HK", True)] * 2 + [("en", False)]
    for number, (language, bilingual) in enumerate(readers):
        reader = SubscriberFactory(language=language, bilingual=bilingual)
        delivery = Delivery.objects.create(edition=edition, subscriber=reader, status="sent", language=language)
        for kind in ["opened"] * (number % 2 == 0) + ["clicked"] * (number % 3 == 0):
            EmailEvent.objects.create(event_id=f"e2e-{number}-{kind}", event_type=kind, delivery=delivery)
    for error in ["provider status rejected"] * 2 + ["abandoned after 50 attempts"]:
        reader = SubscriberFactory(language="zh-Hans")
        Delivery.objects.create(
            edition=edition, subscriber=reader, status="failed", language="zh-Hans", last_error=error
        )
    log_in(page, live_server, "mei")
    page.goto(f"{live_server.url}/admin/digest/edition/{edition.pk}/results/")
    table = page.locator("[data-testid=by-language-and-bilingual]")
    assert table.locator("tr[data-language=zh-Hant-TW][data-bilingual=yes] td").nth(2).inner_text() == "2"
    assert page.locator("[data-testid=failure-reasons] tbody tr").first.locator("td").nth(2).inner_text() == "2"
    with page.expect_download() as download:
        page.click("[data-testid=figures-csv]")
    assert download.value.suggested_filename == "edition-2025-05-28-figures.csv"
    assert page.locator("h2", has_text="按語言與雙語").count() == 1
    screenshot(page, "admin-results-figures")


def test_admin_pages_of_our_own_are_in_traditional_chinese_for_a_zh_tw_browser(page, live_server):
    make_staff("boss", "admin")
    log_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/admin/subscribers/subscriber/")
    assert page.locator("a.addlink", has_text="匯入 CSV").count() == 1
    page.goto(f"{live_server.url}/admin/subscribers/subscriber/import/")
    assert "每行一位訂閱者" in page.locator("#content").inner_text()
    screenshot(page, "admin-subscriber-import-zh-tw")
    page.goto(f"{live_server.url}/admin/digest/translationrequest/")
    assert "每月翻譯用量" in page.locator("#translation-usage caption").inner_text()
    screenshot(page, "admin-translation-usage-zh-tw")
