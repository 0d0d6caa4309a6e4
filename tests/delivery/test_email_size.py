"""The email size budget: Gmail clips an HTML part past ~102 KB and hides the footer with the unsubscribe link,
so the HTML part as sent stays within EMAIL_HTML_BUDGET_BYTES for the largest choice a reader can make."""

import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH_ABSTRACT = (
    "Large language models achieve strong results on reasoning benchmarks, yet their memory use at serving "
    "time grows with context length and batch size. We study how key-value caches, quantisation and paging "
    "interact, and propose a scheduler that keeps accuracy within one point while halving peak memory. "
) * 7  # ~1,900 characters, as long as arXiv abstracts get
CHINESE_ABSTRACT = (
    "大型语言模型在推理基准上取得了很好的成绩，但服务时的内存用量会随上下文长度和批量大小增长。"
    "我们研究键值缓存、量化与分页之间的相互作用，并提出一种调度器，在把峰值内存减半的同时让准确率的损失保持在一个百分点以内。"
) * 6  # ~630 characters


def parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def part_as_sent(message, subtype):
    """The part's bytes on the wire: its headers and its transfer-encoded body, lines ending in CRLF."""
    part = message.get_body((subtype,))
    return part.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def largest_choice(topics):
    """50 long papers, every one translated, and a bilingual Taiwan reader who asked for all 50."""
    llm = topics["llm"]
    for n in range(50):
        paper = PaperFactory(
            title=f"Memory-Efficient Serving of Large Language Models with Paged Key-Value Caches, Part {n}",
            abstract=ENGLISH_ABSTRACT,
            authors=[f"Author {i}" for i in range(12)],
            score=100 - n,
            topics=[llm],
        )
        TranslationFactory(
            paper=paper, title=f"以分页键值缓存高效服务大型语言模型（第 {n} 部分）", abstract=CHINESE_ABSTRACT
        )
    edition = build_edition(paper.announced_on, max_papers=50)
    reader = SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", bilingual=True, max_papers=50)
    return edition, reader


def test_the_largest_choice_keeps_its_html_part_within_the_budget(largest_choice, outbox_dir, settings):
    edition, _reader = largest_choice
    send_edition(edition)
    (path,) = outbox_dir.glob("*.eml")
    html_part = part_as_sent(parse(path), "html")
    print(f"HTML part as sent: {len(html_part)} bytes")
    assert len(html_part) <= 90 * 1024
