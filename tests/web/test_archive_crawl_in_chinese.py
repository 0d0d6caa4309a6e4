"""Every archive page speaks the reader's Chinese: a visitor starts at the archive index in zh-Hant-TW, zh-Hant-HK
and zh-Hans and follows every link that stays in the archive and in that language (day pages, weeklies, topic
filters, paper pages, the index's older pages, the feeds), over editions whose papers are all Chinese (titles,
abstracts, authors, notes), so that any English word left on a page is interface text someone forgot to
translate. The English pages are crawled too, for links that lead nowhere."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest
from django.utils import timezone

from digest.models import Edition
from tests.admin.test_admin_crawl_in_chinese import VisibleText, english_words
from tests.factories import ChineseEditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db

MAX_PAGES = 200
#: What a browser in each region sends: a link without ?lang= (the header's) opens in the reader's language.
ACCEPT_LANGUAGE = {"zh-Hant-TW": "zh-TW", "zh-Hant-HK": "zh-HK", "zh-Hans": "zh-CN", "en": "en"}
#: A feed's elements a reader sees (not its ids, dates or links).
FEED_TEXT = ("title", "subtitle", "description", "summary", "name", "category")
ARCHIVE_PATHS = ("/archive/", "/papers/")


@pytest.fixture
def chinese_archive(topics, monkeypatch):
    """Three sent dailies and a weekly of Chinese papers in several topics, one featured with a note, one not
    translated yet; two editions a page, so the index has older pages to follow."""
    monkeypatch.setattr("digest.web.archive_index.EDITIONS_PER_PAGE", 2)
    now = timezone.now()
    editions = [
        EditionFactory(date=datetime.date(2025, 5, day), status=Edition.Status.SENT, sent_at=now)
        for day in (26, 27, 28)
    ]
    editions.append(
        EditionFactory(
            date=datetime.date(2025, 5, 26), kind=Edition.Kind.WEEKLY, status=Edition.Status.SENT, sent_at=now
        )
    )
    topic_rows = [[topics["llm"]], [topics["vision"], topics["agents"]], [], [topics["speech-audio"]]]
    for edition in editions:
        for position, paper_topics in enumerate(topic_rows):
            entry = ChineseEditionEntryFactory(
                edition=edition, position=position, featured=position == 0, paper__topics=paper_topics
            )
            if position != 3:
                TranslationFactory(paper=entry.paper, tldr="一句话总结：模型更会推理。")
    return editions


def visible_text(response) -> tuple[str, list[str]]:
    """The text a reader sees and the links, of an HTML page or a feed (its items' HTML read as HTML)."""
    parser = VisibleText()
    if "xml" in response["Content-Type"]:
        for element in ET.fromstring(response.content).iter():
            if element.tag.rsplit("}", 1)[-1] in FEED_TEXT:
                parser.feed(element.text or element.get("term", ""))
        return "\n".join(parser.parts), []
    parser.feed(response.content.decode())
    return "\n".join(parser.parts), parser.links


def in_scope(url: str, language: str) -> bool:
    """A page of the archive in the crawl's language: other languages' pages are their own crawl's."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith(ARCHIVE_PATHS):
        return False
    if parts.path.startswith("/archive/feed/"):
        return parts.path.startswith(f"/archive/feed/{language}/")
    return parse_qs(parts.query).get("lang", [language]) == [language]


def crawl(client, language: str) -> tuple[dict[str, list[str]], set[str]]:
    """English words per page, and every page visited, from the index in `language`."""
    start = f"/archive/?lang={language}"
    queue, seen, found = deque([start]), {start}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=ACCEPT_LANGUAGE[language])
        assert response.status_code == 200, (url, response.status_code)
        text, links = visible_text(response)
        if words := english_words(text):
            found[url] = sorted(set(words))
        for link in links:
            target = urldefrag(urljoin(url, link)).url
            if in_scope(target, language) and target not in seen:
                seen.add(target)
                queue.append(target)
    return found, seen


def kinds(urls: set[str]) -> set[str]:
    found = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.path.startswith("/archive/feed/"):
            found.add("feed")
        elif parts.path.startswith("/papers/"):
            found.add("paper")
        elif parts.path == "/archive/":
            found.add("older index page" if "page=" in parts.query else "index")
        elif "topic=" in parts.query:
            found.add("topic filter")
        else:
            found.add("weekly" if parts.path.endswith("/weekly/") else "day page")
    return found


@pytest.mark.parametrize("language", ["zh-Hant-TW", "zh-Hant-HK", "zh-Hans"])
def test_every_archive_page_is_in_the_readers_chinese(client, chinese_archive, language):
    found, seen = crawl(client, language)
    assert kinds(seen) == {"index", "older index page", "day page", "weekly", "topic filter", "paper", "feed"}
    report = "\n".join(f"{url}: {' '.join(words)}" for url, words in sorted(found.items()))
    assert not found, f"English words on {len(found)} of {len(seen)} pages in {language}:\n{report}"


def test_every_english_archive_page_answers(client, chinese_archive):
    _found, seen = crawl(client, "en")
    assert len(seen) > 20


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-Hant-TW", ["訂閱", "回到目錄", "編輯精選"]),
        ("zh-Hant-HK", ["訂閲", "返回目錄"]),
        ("zh-Hans", ["订阅", "返回目录"]),
    ],
)
def test_the_day_page_uses_each_regions_own_wording(client, chinese_archive, language, words):
    body = client.get(f"/archive/2025-05-28/?lang={language}").content.decode()
    assert all(word in body for word in words), [word for word in words if word not in body]
