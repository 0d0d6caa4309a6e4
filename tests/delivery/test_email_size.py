"""The email size budget: Gmail clips an HTML part past ~102 KB and hides the footer with the unsubscribe link,
so the HTML part as sent stays within EMAIL_HTML_BUDGET_BYTES for the largest choice a reader can make."""

import email
import re
import unicodedata
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


def make_largest_choice(topics):
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


@pytest.fixture
def largest_choice(topics):
    return make_largest_choice(topics)


def test_the_largest_choice_keeps_its_html_part_within_the_budget(largest_choice, outbox_dir, settings):
    edition, _reader = largest_choice
    send_edition(edition)
    (path,) = outbox_dir.glob("*.eml")
    html_part = part_as_sent(parse(path), "html")
    assert len(html_part) <= 90 * 1024


@pytest.fixture
def largest_email(largest_choice, outbox_dir):
    edition, _reader = largest_choice
    send_edition(edition)
    (path,) = outbox_dir.glob("*.eml")
    return parse(path)


def test_past_the_budget_the_footer_stays_and_later_papers_link_to_the_readers_view(largest_email):
    html = largest_email.get_body(("html",)).get_content()
    view_links = re.findall(r'href="(https://papers\.example\.org/read/[^"#]+)#paper-', html)
    assert view_links, "later papers have a read-on link"
    assert "繼續閱讀" in html
    assert html.rstrip().endswith("</html>")
    assert re.search(r'href="https://papers\.example\.org/unsubscribe/[^"]+"', html)
    # The first paper is whole (English abstract and Chinese), the last is short.
    first, last = html.split('id="paper-')[1], html.rsplit('id="paper-', 1)[1]
    assert 'class="original"' in first and "/read/" not in first
    assert "/read/" in last and 'class="original"' not in last


def test_the_html_part_goes_out_8bit_not_quoted_printable(largest_email):
    part = largest_email.get_body(("html",))
    assert part["Content-Transfer-Encoding"] == "8bit"
    assert all(len(line) <= 998 for line in part.as_bytes().split(b"\n"))
    # Folded lines render the same: the Chinese abstract is whole once the empty comments are gone.
    html = part.get_content().replace("<!--\n-->", "")
    assert "我們研究鍵值快取" in html or "我們研究鍵值緩存" in html


def test_plain_text_lines_wrap_at_76_columns_except_links(largest_email):
    text = largest_email.get_body(("plain",)).get_content()
    assert largest_email.get_body(("plain",))["Content-Transfer-Encoding"] in ("8bit", "7bit")
    for line in text.splitlines():
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        assert width <= 76 or "https://" in line, line


def test_a_small_email_keeps_every_paper_whole(topics, outbox_dir):
    for n in range(3):
        TranslationFactory(paper=PaperFactory(abstract=ENGLISH_ABSTRACT, score=n, topics=[topics["llm"]]))
    edition = build_edition(PaperFactory._meta.model.objects.first().announced_on)
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", bilingual=True)
    send_edition(edition)
    (path,) = outbox_dir.glob("*.eml")
    html = parse(path).get_body(("html",)).get_content()
    assert html.count('class="original"') == 3 and "繼續閱讀" not in html and "<!--full" not in html
