"""A reader's whole journey in Chromium: subscribe, confirm from the email, change topics, unsubscribe;
and the archive in each language. Every page is saved under var/screenshots/ for a person to look at."""

import email
import re
from email import policy

import pytest

from digest.models import Edition
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.e2e.conftest import screenshot
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def click_and_wait(page, selector: str) -> None:
    """Clicks something that loads a new page and waits for it (a form POST or a link)."""
    with page.expect_navigation():
        page.click(selector)


def confirmation_link(outbox_dir, live_server) -> str:
    (path,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    link = re.search(r"https://papers\.example\.org(/confirm/\S+/)", message.get_body(("plain",)).get_content())
    return live_server.url + link.group(1)


def test_subscribe_confirm_change_topics_unsubscribe(page, live_server, topics, outbox_dir):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "訂閱"  # Accept-Language zh-TW
    assert page.locator("#id_language").input_value() == "zh-Hant-TW"
    page.fill("#id_email", "reader@example.com")
    page.check("input[name=topics][value=llm]")
    page.check("input[name=topics][value=vision]")
    page.fill("#id_max_papers", "5")
    # Chromium drops the next click after a full-page screenshot taken with a number field focused.
    page.focus("#id_email")
    screenshot(page, "01-subscribe-zh-Hant-TW")
    click_and_wait(page, "form button[type=submit] >> nth=0")
    assert page.locator("h1").inner_text() == "請查收郵件"
    screenshot(page, "02-check-your-email")
    subscriber = Subscriber.objects.get(email="reader@example.com")
    assert subscriber.status == "pending" and subscriber.max_papers == 5

    page.goto(confirmation_link(outbox_dir, live_server))
    assert page.locator("h1").inner_text() == "確認訂閱"
    screenshot(page, "03-confirm-button")
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"  # opening the link (a mail scanner) confirms nothing
    click_and_wait(page, "form button:has-text('確認訂閱')")
    assert page.locator("h1").inner_text() == "訂閱成功"
    screenshot(page, "03-confirmed")
    subscriber.refresh_from_db()
    assert subscriber.status == "active"

    click_and_wait(page, "text=管理訂閱偏好")
    assert page.locator("h1").first.inner_text() == "你的訂閱偏好"
    page.uncheck("input[name=topics][value=llm]")
    page.check("input[name=topics][value=robotics]")
    click_and_wait(page, "button:has-text('儲存')")
    assert page.locator("p.notice").inner_text() == "已儲存。"
    screenshot(page, "04-manage-saved")
    assert {t.slug for t in subscriber.topics.all()} == {"vision", "robotics"}

    click_and_wait(page, "main a:has-text('退訂')")
    screenshot(page, "05-unsubscribe-confirm")
    subscriber.refresh_from_db()
    assert subscriber.status == "active"  # opening the link does nothing by itself
    click_and_wait(page, "form button:has-text('退訂')")
    assert page.locator("h1").inner_text() == "已退訂"
    screenshot(page, "06-unsubscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


@pytest.fixture
def published(topics):
    paper = PaperFactory(
        arxiv_id="2505.21234", title="Memory-Efficient Data Pipelines for LLM Training", topics=[topics["llm"]]
    )
    note = "值得一读的数据工程论文"
    entry = EditionEntryFactory(edition__status=Edition.Status.SENT, paper=paper, featured=True, note=note)
    TranslationFactory(
        paper=paper,
        title="面向大模型训练的节省内存的数据管道",
        abstract="我们提出一种数据管道，在训练大型语言模型时显著降低内存占用，并在多个基准上验证其性能与软件质量。",
    )
    EditionEntryFactory(edition=entry.edition, paper__topics=[topics["vision"]])
    return entry


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("zh-Hant-TW", "節省記憶體"), ("zh-Hant-HK", "節省內存"), ("zh-Hans", "节省内存"), ("en", "Memory-Efficient")],
)
def test_archive_edition_in_each_language(page, live_server, published, lang, heading):
    page.goto(f"{live_server.url}/archive/2025-05-28/?lang={lang}")
    assert heading in page.locator("#paper-2505\\.21234 h3").inner_text()
    assert page.locator("html").get_attribute("lang") in (lang, lang.lower())
    screenshot(page, f"07-archive-{lang}")


def test_archive_index_paper_page_and_feedback_button(page, live_server, published):
    page.goto(f"{live_server.url}/archive/?lang=zh-Hant-TW")
    screenshot(page, "08-archive-index")
    page.goto(f"{live_server.url}/papers/2505.21234/?lang=zh-Hant-TW")
    assert page.locator("section.paper").count() == 4  # English and three Chinese variants
    screenshot(page, "09-paper-all-translations")
    reader = SubscriberFactory(language="zh-Hant-HK")
    # One tap: the vote page submits itself in a browser and lands on the thanks page.
    page.goto(f"{live_server.url}/feedback/{make_token(reader, 'feedback')}/2505.21234/down/")
    page.wait_for_selector("text=謝謝")
    screenshot(page, "11-feedback-thanks")
    assert reader.feedback.get().vote == -1


def test_subscribe_and_preference_centre_on_a_phone(browser, live_server, topics):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-HK", timezone_id="Asia/Hong_Kong", is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("#id_time_zone").input_value() == "Asia/Hong_Kong"  # pre-filled from the browser
        assert page.locator("#id_language").input_value() == "zh-Hant-HK"  # from Accept-Language
        screenshot(page, "12-subscribe-phone-zh-HK")
        reader = SubscriberFactory(language="zh-Hant-HK", topics=[topics["llm"]])
        page.goto(f"{live_server.url}/manage/{make_token(reader, 'manage')}/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone
        screenshot(page, "13-manage-phone-zh-HK")
    finally:
        context.close()
