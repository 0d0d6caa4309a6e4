"""The digest email: personalized picks, language variants, headers, both parts, inlined CSS, escaping."""

import email
import re
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.models import Delivery
from digest.papers.ingest import ingest_document
from tests.conftest import bad
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def read_outbox(path):
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(path.glob("*.eml"))]
    return {m["To"]: m for m in messages}


def subject_of(message):
    # Django folds a non-ASCII subject onto a continuation line; mail clients drop the folding space.
    return str(message["Subject"]).strip()


def html_of(message):
    return message.get_body(("html",)).get_content()


def text_of(message):
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def day(topics):
    llm, vision = topics["llm"], topics["vision"]
    papers = [
        PaperFactory(title="Memory-Efficient LLM Serving", score=30, topics=[llm]),
        PaperFactory(title="Seeing Through Video Transformers", score=20, topics=[vision]),
        PaperFactory(title="Untranslated Paper on Data", score=10, topics=[llm]),
    ]
    TranslationFactory(
        paper=papers[0], title="高效内存的 LLM 服务", abstract="我们提出一种节省内存的数据服务方法，提升性能。" * 3
    )
    TranslationFactory(
        paper=papers[1], title="透过视频看 Transformer", abstract="我们研究视频理解中的数据与性能问题。" * 3
    )
    edition = build_edition(papers[0].announced_on)
    return edition, papers


def test_each_subscriber_gets_their_topics_in_their_language(day, topics, outbox_dir):
    edition, papers = day
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=[topics["llm"]])
    SubscriberFactory(email="hk@example.com", language="zh-Hant-HK", topics=[topics["vision"]])
    SubscriberFactory(email="en@example.com", language="en", topics=[])
    send_edition(edition)
    inbox = read_outbox(outbox_dir)
    assert set(inbox) == {"tw@example.com", "hk@example.com", "en@example.com"}
    tw, hk, en = html_of(inbox["tw@example.com"]), html_of(inbox["hk@example.com"]), html_of(inbox["en@example.com"])
    assert "高效記憶體的 LLM 服務" in tw and "Video" not in tw
    assert "透過影片" not in hk and "透過視頻看 Transformer" in hk and "LLM Serving" not in hk
    assert all(p.title in en for p in papers)


def test_subject_names_the_day_and_the_count_in_the_subscriber_language(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=[topics["llm"]])
    SubscriberFactory(email="cn@example.com", language="zh-Hans", topics=[topics["llm"]])
    SubscriberFactory(email="en@example.com", language="en", topics=[topics["llm"]])
    send_edition(edition)
    inbox = read_outbox(outbox_dir)
    assert subject_of(inbox["tw@example.com"]) == "每日精選 AI 論文 · 2025-05-28 · 2 篇"
    assert subject_of(inbox["cn@example.com"]) == "每日精选 AI 论文 · 2025-05-28 · 2 篇"
    assert subject_of(inbox["en@example.com"]) == "Daily AI Papers · 2025-05-28 · 2 papers"


def test_untranslated_paper_is_shown_in_english_with_a_note(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=[topics["llm"]])
    send_edition(edition)
    html = html_of(read_outbox(outbox_dir)["tw@example.com"])
    assert "Untranslated Paper on Data" in html
    assert "尚未翻譯" in html


def test_headers_carry_one_click_unsubscribe_list_id_and_message_id(day, topics, outbox_dir):
    edition, _ = day
    subscriber = SubscriberFactory(email="tw@example.com")
    send_edition(edition)
    message = read_outbox(outbox_dir)["tw@example.com"]
    unsubscribe = message["List-Unsubscribe"]
    assert re.search(r"<https://papers\.example\.org/unsubscribe/[^>]+/>", unsubscribe)
    assert "<mailto:" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"]
    delivery = Delivery.objects.get(subscriber=subscriber)
    assert message["Message-ID"] == delivery.message_id


def test_both_parts_are_present_and_css_is_inlined(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="tw@example.com")
    send_edition(edition)
    message = read_outbox(outbox_dir)["tw@example.com"]
    html, text = html_of(message), text_of(message)
    assert re.search(r'<p[^>]*class="brand"[^>]*style="[^"]*color:\s*#b3261e', html)
    assert "高效記憶體的 LLM 服務" in text and "https://arxiv.org/abs/" in text
    assert "<" not in text.split("--")[0].replace("<=", "")


def test_personal_links_are_filled_for_each_recipient(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="a@example.com")
    SubscriberFactory(email="b@example.com")
    send_edition(edition)
    inbox = read_outbox(outbox_dir)
    links = {}
    for address, message in inbox.items():
        html = html_of(message)
        assert "personal.invalid" not in html and "personal.invalid" not in text_of(message)
        links[address] = re.findall(r"https://papers\.example\.org/manage/[^\"]+", html)[0]
    assert links["a@example.com"] != links["b@example.com"]


def test_why_line_names_the_matched_topic_or_the_editors(day, topics, outbox_dir):
    edition, _ = day
    EditionEntryFactory(edition=edition, paper=PaperFactory(title="Editors Love This"), featured=True)
    SubscriberFactory(email="en@example.com", language="en", topics=[topics["llm"]])
    send_edition(edition)
    text = text_of(read_outbox(outbox_dir)["en@example.com"])
    assert "Why you got this: chosen by our editors." in text
    assert f"Why you got this: you follow {topics['llm'].name_en}." in text
    assert text.index("Editors Love This") < text.index("Memory-Efficient LLM Serving")


def test_bilingual_shows_chinese_then_the_english_original_as_the_option_says(day, topics, outbox_dir):
    edition, papers = day
    SubscriberFactory(email="cn@example.com", language="zh-Hans", bilingual=True, topics=[topics["llm"]])
    send_edition(edition)
    html = html_of(read_outbox(outbox_dir)["cn@example.com"])
    assert html.index("我们提出一种节省内存的数据服务方法") < html.index(papers[0].abstract)


def test_bilingual_labels_both_blocks_in_the_html_and_the_text(day, topics, outbox_dir):
    edition, papers = day
    SubscriberFactory(email="cn@example.com", language="zh-Hans", bilingual=True, topics=[topics["llm"]])
    send_edition(edition)
    message = read_outbox(outbox_dir)["cn@example.com"]
    for body in (html_of(message), message.get_body(("plain",)).get_content()):
        chinese = body.index("我们提出一种节省内存的数据服务方法")
        assert body.rindex("摘要", 0, chinese) < chinese < body.index("英文原文", chinese)
        assert body.index("英文原文", chinese) < body.index(papers[0].abstract[:40])


def test_max_papers_caps_the_email(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="one@example.com", max_papers=1)
    send_edition(edition)
    assert subject_of(read_outbox(outbox_dir)["one@example.com"]).endswith("· 1 篇")


def test_hostile_titles_and_abstracts_are_escaped(topics, outbox_dir):
    ingest_document(bad("xss_title.xml"), "arxiv_rss")
    from digest.models import Paper

    edition = build_edition(Paper.objects.first().announced_on)
    SubscriberFactory(email="en@example.com", language="en")
    send_edition(edition)
    html = html_of(read_outbox(outbox_dir)["en@example.com"])
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<svg" not in html and "javascript:" not in html
    assert "<img" not in html and "<iframe" not in html
