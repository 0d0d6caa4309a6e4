"""Every page a reader reaches from their email, crawled at 375 px in Chromium in the Taiwan, Hong Kong and
mainland forms, light and dark: found by following the email's links and then the pages' own links on the site
(not listed here), each answering without an error, in the reader's language, without sideways scrolling, dark
when the phone is. Screenshots go to var/screenshots/phone-*.png for a person to look at."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email import policy
from urllib.parse import urlsplit

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from tests.e2e.conftest import screenshot
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375
READERS = {"zh-Hant-TW": "tw@example.com", "zh-Hant-HK": "hk@example.com", "zh-Hans": "cn@example.com"}
#: The phone's own language (Accept-Language), as a reader in each place has it.
PHONE_LOCALE = {"zh-Hant-TW": "zh-TW", "zh-Hant-HK": "zh-HK", "zh-Hans": "zh-CN"}
#: Where the crawl does not go: the admin, the language switch and the feeds (XML, not pages). Every link that
#: changes something opens a page with a button first, so a GET crawl is safe everywhere else.
SKIP = ("/admin/", "/i18n/", "/archive/feed/")
MAX_PAGES = 14


@pytest.fixture
def emails(topics, outbox_dir):
    paper = PaperFactory(title="Memory-Efficient Serving of Large Language Models", topics=[topics["llm"]], score=9)
    TranslationFactory(paper=paper, title="大语言模型的高效内存服务", abstract="我们提出一种节省内存的服务方法。" * 4,
                       tldr="一种节省内存的大模型服务方法。")  # fmt: skip
    build_edition(paper.announced_on)
    for language, address in READERS.items():
        SubscriberFactory(email=address, language=language, topics=[topics["llm"]], bilingual=True)
    from digest.models import Edition

    send_edition(Edition.objects.get())
    parsed = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {next(lang for lang, a in READERS.items() if a == m["To"]): m for m in parsed}


def site_links(html: str) -> list[str]:
    """The email's links to the site, as paths (the site is papers.example.org in the tests' settings)."""
    found = re.findall(r'href="https://papers\.example\.org(/[^"]*)"', html)
    return [link.replace("&amp;", "&") for link in found]


def crawl(page, base: str, start: list[str]) -> Iterator[str]:
    """Breadth first over the site's own links from `start` (fragments dropped), at most MAX_PAGES pages."""
    seen: list[str] = []
    queue = list(dict.fromkeys(link.split("#")[0] for link in start))
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP):
            continue
        seen.append(path)
        response = page.goto(base + path)
        assert response.status < 400, f"{path}: {response.status}"
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
        yield path  # the caller checks the page while it is open


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", sorted(READERS))
def test_every_page_reached_from_the_email_reads_well_on_a_phone(browser, live_server, emails, language, scheme):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme=scheme,
                                  locale=PHONE_LOCALE[language])  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        pages = []
        for path in crawl(page, live_server.url, site_links(emails[language].get_body(("html",)).get_content())):
            pages.append(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, f"{path} scrolls sideways"
            html_lang = page.evaluate("document.documentElement.lang")
            assert html_lang == language, f"{path} is in {html_lang}"
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
            assert (red + green + blue < 150) == (scheme == "dark"), f"{path}: {background}"
            name = re.sub(r"[^a-z0-9]+", "-", urlsplit(path).path.split("/")[1] or "home")
            screenshot(page, f"phone-{language}-{scheme}-{len(pages):02d}-{name}")
        kinds = {urlsplit(p).path.split("/")[1] for p in pages}
        # The email's own links all lead somewhere: the view, preferences, unsubscribing, votes and the archive.
        assert {"read", "manage", "unsubscribe", "feedback", "archive"} <= kinds, kinds
    finally:
        context.close()


def test_the_forget_button_looks_disabled_until_votes_have_taught_something(page, live_server, topics):
    from subscribers.tokens import make_token

    subscriber = SubscriberFactory(email="new@example.com", language="zh-Hant-TW", topics=[topics["llm"]])
    page.goto(f"{live_server.url}/manage/{make_token(subscriber, 'manage')}/")
    forget = page.locator("form:has(input[value=reset_learning]) button")
    assert forget.is_disabled()
    assert float(forget.evaluate("b => getComputedStyle(b).opacity")) < 0.6
    assert forget.evaluate("b => getComputedStyle(b).cursor") == "not-allowed"
    enabled = page.locator("form button[type=submit]").first
    assert float(enabled.evaluate("b => getComputedStyle(b).opacity")) == 1.0
