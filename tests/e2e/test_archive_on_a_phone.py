"""The archive on a 375 px phone in Chromium, on the shipped sample days (real papers, the reference translations):
the day page's contents list leads to each topic's section, the topic filter works without JavaScript, and neither
the date nor a language's name is cut across two lines in any language. Screenshots of the day page (its top, and
the start of a topic's section), a topic filter and the index in Taiwan, Hong Kong and mainland forms, light and
dark, go to var/screenshots/archive-*.png for a person to look at."""

import json
from datetime import date

import pytest
from django.utils import timezone

from digest.editions.build import build_edition
from digest.management.commands.demo import NEXT_DAY_FEEDS, REFERENCE_TRANSLATIONS, SAMPLE_DIR, SAMPLE_FEEDS
from digest.models import Edition, EditionEntry
from digest.papers.ingest import ingest_document
from digest.translation.stored import load_reference_translations
from tests.e2e.conftest import SCREENSHOTS, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375
CHINESE = ("zh-Hant-TW", "zh-Hant-HK", "zh-Hans")
LOOKS = [(language, scheme) for language in CHINESE for scheme in ("light", "dark")]


@pytest.fixture
def sample_days(topics):
    """The demo's two sample days, built and published, as a reader finds them in the archive."""
    for name, kind in SAMPLE_FEEDS + NEXT_DAY_FEEDS:
        ingest_document((SAMPLE_DIR / name).read_bytes(), kind)
    load_reference_translations(json.loads((SAMPLE_DIR / REFERENCE_TRANSLATIONS).read_text(encoding="utf-8")))
    for day in ("2025-05-28", "2025-05-29"):
        edition = build_edition(date.fromisoformat(day))
        Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT, sent_at=timezone.now())
    daily = Edition.objects.get(date=date(2025, 5, 28))
    weekly = Edition.objects.create(date=daily.date, kind=Edition.Kind.WEEKLY, status=Edition.Status.SENT)
    for entry in daily.entries.all()[:5]:
        EditionEntry.objects.create(edition=weekly, paper=entry.paper, position=entry.position)
    return daily


def open_phone(browser, scheme: str = "light"):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme=scheme, locale="zh-TW")
    return context, context.new_page()


#: Elements that must each sit on one line: the date in the heading and every language's name in the switch.
UNBROKEN = ".edition-title time, .langs a"
LINES_OF = """els => els.map(e => {
    const tops = new Set(Array.from(e.getClientRects()).map(r => Math.round(r.top)));
    return [e.textContent, tops.size];
})"""


@pytest.mark.parametrize("language", [*CHINESE, "en"])
def test_the_date_and_the_language_switch_never_wrap_mid_word(browser, live_server, sample_days, language):
    """At the browser's text size and at a reader's larger ones (the setting a phone's accessibility menu offers),
    on a daily, on a weekly, whose heading is longer, and on the index."""
    context, page = open_phone(browser)
    try:
        for kind in ("", "weekly/"):
            page.goto(f"{live_server.url}/archive/2025-05-28/{kind}?lang={language}")
            for text_size in ("100%", "125%", "150%"):
                page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
                lines = page.eval_on_selector_all(UNBROKEN, LINES_OF)
                assert len(lines) == 5, lines  # the date and four languages
                assert [text for text, count in lines if count != 1] == [], (kind, text_size)
                assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, (kind, text_size)
        page.screenshot(path=str(SCREENSHOTS / f"archive-{language}-{WIDTH}-weekly-text-150.png"))
        page.goto(f"{live_server.url}/archive/?lang={language}")
        for text_size in ("100%", "150%"):
            page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
            lines = page.eval_on_selector_all(".edition-list time, .top-papers .remark, .langs a", LINES_OF)
            # three editions' dates, four languages and, in Chinese, three "not translated yet"
            assert len(lines) == (7 if language == "en" else 10), lines
            assert [text for text, count in lines if count != 1] == [], ("index", text_size)
    finally:
        context.close()


@pytest.mark.parametrize("language", CHINESE)
def test_the_contents_list_leads_to_each_topics_section(browser, live_server, sample_days, language):
    context, page = open_phone(browser)
    try:
        page.goto(f"{live_server.url}/archive/2025-05-28/?lang={language}")
        links = page.locator(".contents ol a")
        assert links.count() >= 4
        for index in (1, links.count() - 1):  # a topic, and the last section, far down the page
            link = links.nth(index)
            name, target = link.inner_text(), link.get_attribute("href")
            link.click()
            page.wait_for_function(f"location.hash === '{target}'")
            heading = page.locator(f"{target} h2.section-title")
            assert name in heading.inner_text()
            top = heading.evaluate("e => e.getBoundingClientRect().top")
            assert 0 <= top < 100, f"{name}: the section's heading is at {top} px, not at the top of the screen"
    finally:
        context.close()


def test_the_topic_filter_works_without_javascript(browser, live_server, sample_days):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/archive/2025-05-28/?lang=zh-Hant-TW")
        chip = page.locator(".contents .topic-chips a").first
        name = chip.inner_text()
        chip.click()
        page.wait_for_url("**topic=**")
        assert page.locator(".topic-chips a[aria-current]").inner_text() == name
        shown = page.locator("article.paper").count()
        assert 0 < shown < sample_days.entries.filter(excluded=False).count()
        assert page.locator("article.paper .topics").filter(has_text=name).count() == shown
    finally:
        context.close()


@pytest.mark.parametrize(("language", "scheme"), LOOKS)
def test_screenshots_of_the_archive_on_a_phone(browser, live_server, sample_days, language, scheme):
    context, page = open_phone(browser, scheme)
    name = f"archive-{language}-{WIDTH}-{scheme}"
    try:
        page.goto(f"{live_server.url}/archive/2025-05-28/?lang={language}")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-day-top.png"))
        page.locator(".contents ol a").nth(1).click()
        page.screenshot(path=str(SCREENSHOTS / f"{name}-day-section.png"))
        page.locator(".contents .topic-chips a").first.click()
        page.wait_for_url("**topic=**")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-day-topic.png"))
        page.goto(f"{live_server.url}/archive/?lang={language}")
        screenshot(page, f"{name}-index")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    finally:
        context.close()
