"""The archive, a reader's own view and the email itself at 600 px and 375 px, Taiwan and Hong Kong (and the
mainland's Simplified at 375 px), light and dark (Chromium's emulated prefers-color-scheme): math reads as text,
nothing scrolls sideways, dark is dark, vote buttons are thumb-sized. Screenshots go to
var/screenshots/reading-*.png for a person to look at."""

import email
import re
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.models import Edition
from tests.delivery.test_email_size import make_largest_choice
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://github.com/example-lab/" + "memory-efficient-serving-of-large-language-models-" * 3
VARIANTS = [(width, language, scheme) for width in (600, 375) for language in ("zh-Hant-TW", "zh-Hant-HK")
            for scheme in ("light", "dark")] + [(375, "zh-Hans", scheme) for scheme in ("light", "dark")]  # fmt: skip
EMAIL_OF = {"tw": "zh-Hant-TW", "hk": "zh-Hant-HK", "cn": "zh-Hans"}


@pytest.fixture
def emails(topics, outbox_dir):
    paper = PaperFactory(
        title=r"Convergence in $\mathcal{O}(1/\sqrt{T})$ for Adaptive Optimizers",
        abstract=r"We prove a rate of $\mathcal{O}(1/\sqrt{T})$ with $x^2 \leq \epsilon$; code at "
        + rf"\href{{{LONG_URL}}}{{codes}}.",
        topics=[topics["llm"]],
        score=10,
    )
    TranslationFactory(
        paper=paper,
        title=r"自适应优化器的 $\mathcal{O}(1/\sqrt{T})$ 收敛率",
        abstract=r"我们证明了 $\mathcal{O}(1/\sqrt{T})$ 的收敛率，且 $x^2 \leq \epsilon$；"
        + rf"代码见 \href{{{LONG_URL}}}{{codes}}。"
        + "我们研究数据与内存的性能问题。" * 4,
    )
    other = PaperFactory(title="Seeing Through Video Transformers", topics=[topics["llm"]], score=5)
    TranslationFactory(paper=other, title="透过视频看 Transformer", abstract="我们研究视频理解中的数据与性能问题。" * 3)
    edition = build_edition(paper.announced_on)
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", bilingual=True)
    SubscriberFactory(email="hk@example.com", language="zh-Hant-HK", bilingual=True)
    SubscriberFactory(email="cn@example.com", language="zh-Hans", bilingual=True)
    send_edition(edition)
    assert Edition.objects.get().status == Edition.Status.SENT
    parsed = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {EMAIL_OF[m["To"][:2]]: m for m in parsed}


def open_at(browser, width: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, locale="zh-TW")
    return context, context.new_page()


def assert_reads_well(page, width: int, scheme: str, container: str) -> None:
    body = page.locator("body").inner_text()
    assert "𝒪(1/√(T))" in body and "\\mathcal" not in body and "\\href" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    background = page.evaluate(f"getComputedStyle(document.querySelector('{container}')).backgroundColor")
    red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
    assert (red + green + blue < 150) == (scheme == "dark"), background


@pytest.mark.parametrize(("width", "language", "scheme"), VARIANTS)
def test_the_email_reads_well(browser, emails, width, language, scheme):
    context, page = open_at(browser, width, scheme)
    try:
        page.set_content(emails[language].get_body(("html",)).get_content())
        assert_reads_well(page, width, scheme, ".container")
        screenshot(page, f"reading-email-{language}-{width}-{scheme}")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "language", "scheme"), VARIANTS)
def test_the_readers_own_view_reads_well(browser, live_server, emails, width, language, scheme):
    html = emails[language].get_body(("html",)).get_content()
    view = re.search(r'<a href="https://papers\.example\.org(/read/[^"]+)">', html).group(1)
    context, page = open_at(browser, width, scheme)
    try:
        page.goto(live_server.url + view)
        assert_reads_well(page, width, scheme, ".paper")
        votes = page.locator("a.vote")
        assert votes.count() == 4  # 👍 and 👎 on both papers: the email's link carries the reader's own vote link
        for box in (votes.nth(i).bounding_box() for i in range(votes.count())):
            assert box["width"] >= 44 and box["height"] >= 44, box
        date = page.locator("h1 time").bounding_box()
        assert date["height"] < 48, "the date breaks across lines"
        screenshot(page, f"reading-view-{language}-{width}-{scheme}")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "language", "scheme"), [v for v in VARIANTS if v[0] == 375])
def test_the_paper_page_reads_well(browser, live_server, emails, width, language, scheme):
    from digest.models import Paper

    paper = Paper.objects.get(title__startswith="Convergence")
    context, page = open_at(browser, width, scheme)
    try:
        page.goto(f"{live_server.url}/papers/{paper.arxiv_id}/?lang={language}")
        assert_reads_well(page, width, scheme, ".paper")
        screenshot(page, f"reading-paper-{language}-{width}-{scheme}")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "language", "scheme"), [v for v in VARIANTS if v[0] == 375])
def test_the_public_archive_page_reads_well(browser, live_server, emails, width, language, scheme):
    context, page = open_at(browser, width, scheme)
    try:
        page.goto(f"{live_server.url}/archive/2025-05-28/?lang={language}")
        assert_reads_well(page, width, scheme, ".paper")
        screenshot(page, f"reading-archive-{language}-{width}-{scheme}")
    finally:
        context.close()


def test_an_email_past_the_budget_shows_short_forms_and_its_footer(browser, topics, outbox_dir):
    edition, _reader = make_largest_choice(topics)  # 50 papers, bilingual, Taiwan
    send_edition(edition)
    (path,) = outbox_dir.glob("*.eml")
    html = email.message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("html",)).get_content()
    context, page = open_at(browser, 375, "light")
    try:
        page.set_content(html)
        assert page.locator("a", has_text="繼續閱讀").count() > 0
        assert page.locator("a", has_text="退訂").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "reading-email-50-papers-bilingual-zh-Hant-TW-375")
        # Two screens a person can read: where the short forms begin, and the end with the footer.
        page.locator("a", has_text="繼續閱讀").first.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -500)")
        page.screenshot(path=str(SCREENSHOTS / "reading-email-50-papers-short-forms-begin.png"))
        page.locator("a", has_text="退訂").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "reading-email-50-papers-footer.png"))
    finally:
        context.close()
