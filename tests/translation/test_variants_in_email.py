"""Each reader variant end to end: translated once through the loopback model, converted by OpenCC once per
paper and variant, rendered into the email; English needs no request at all."""

from __future__ import annotations

import collections
import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.translation import get_translator, variants
from digest.translation.service import translate_papers
from digest.translation.wordwise import SEPARATORS
from tests.factories import PaperFactory, SubscriberFactory
from tests.translation.conftest import content_reply

pytestmark = pytest.mark.django_db(transaction=True)

SIMPLIFIED = "我们提出一种节省内存的数据处理方法，显著提升了软件性能，并在视频理解任务上验证。" * 3
EXPECTED = {
    "zh-Hant-TW": ("資料處理", "記憶體", "軟體效能"),
    "zh-Hant-HK": ("數據處理", "內存", "軟件性能"),
    "zh-Hans": ("数据处理", "内存", "软件性能"),
}


def inbox(outbox_dir) -> dict[str, email.message.EmailMessage]:
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {str(m["To"]): m for m in messages}


def html_of(message) -> str:
    """The HTML as a reader's client lays it out: the 8bit line folds (a space turned newline, an empty comment
    between two CJK characters) change nothing on screen, so they are taken out before comparing text."""
    html = message.get_body(("html",)).get_content().replace("<!--\n-->", "")
    return " ".join(html.split())


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def translated_day(serve, topics):
    server = serve(lambda request: content_reply({"title": "节省内存的数据处理", "abstract": SIMPLIFIED}))
    paper = PaperFactory(
        title="Memory-Efficient Data Processing",
        abstract="We propose a memory-efficient data processing method that improves software performance. " * 2,
        topics=[topics["llm"]],
    )
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1
    return server, paper, build_edition(paper.announced_on)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_each_chinese_variant_reads_in_its_own_script_and_phrasing(translated_day, outbox_dir, language):
    _, _, edition = translated_day
    SubscriberFactory(email="reader@example.com", language=language)
    send_edition(edition)
    html = html_of(inbox(outbox_dir)["reader@example.com"])
    for phrase in EXPECTED[language]:
        assert phrase in html
    others = {p for lang, phrases in EXPECTED.items() if lang != language for p in phrases} - set(EXPECTED[language])
    assert not any(phrase in html for phrase in others)


def test_english_readers_cost_no_request(serve, topics, outbox_dir):
    server = serve()
    paper = PaperFactory(topics=[topics["llm"]])
    SubscriberFactory(email="en@example.com", language="en")
    send_edition(build_edition(paper.announced_on))
    assert len(server.requests) == 0
    assert paper.abstract in html_of(inbox(outbox_dir)["en@example.com"])


def test_bilingual_puts_the_chinese_paragraph_before_the_english_original(translated_day, outbox_dir):
    _, paper, edition = translated_day
    SubscriberFactory(email="both@example.com", language="zh-Hant-TW", bilingual=True)
    SubscriberFactory(email="zh@example.com", language="zh-Hant-TW", bilingual=False)
    send_edition(edition)
    mail = inbox(outbox_dir)
    chinese = variants.to_variant(SIMPLIFIED, "zh-Hant-TW")
    english = paper.abstract.strip()
    html, text = html_of(mail["both@example.com"]), text_of(mail["both@example.com"])
    assert english in html and html.index(chinese) < html.index(english)
    assert 'lang="en"' in html
    # The text part is wrapped at 76 columns (a Chinese line may break between any two characters).
    flat = "".join(text.split())
    assert flat.index("".join(chinese.split())) < flat.index("".join(english.split()))
    assert english not in html_of(mail["zh@example.com"])


def test_opencc_runs_once_per_paper_and_variant_not_once_per_reader(serve, topics, outbox_dir, monkeypatch):
    serve()
    # Abstracts of different lengths: the fake model answers each with a different Chinese text.
    papers = [
        PaperFactory(score=n, abstract="We study reasoning. " * (3 + 4 * n), topics=[topics["llm"]]) for n in range(3)
    ]
    translate_papers(papers, translator=get_translator())
    calls: collections.Counter[tuple[str, str]] = collections.Counter()
    real_converter = variants._converter

    class Counting:
        def __init__(self, config):
            self.config, self.inner = config, real_converter(config)

        def convert(self, text):
            calls[(self.config, text)] += 1
            return self.inner.convert(text)

    monkeypatch.setattr(variants, "_converter", Counting)
    variants.convert.cache_clear()
    variants.convert_translation.cache_clear()
    for n in range(12):
        language = ["zh-Hant-TW", "zh-Hant-HK", "zh-Hans"][n % 3]
        SubscriberFactory(language=language, bilingual=n % 2 == 0, max_papers=3 if n < 3 else 1 + n % 2)
    send_edition(build_edition(papers[0].announced_on))
    assert len(list(outbox_dir.glob("*.eml"))) == 12
    assert calls and max(calls.values()) == 1
    abstracts = {t.abstract for p in papers for t in p.translations.all()}
    assert len(abstracts) == 3
    # What OpenCC gets is the abstract's words other than table entries, in one call joined by a separator: about
    # as long as the abstract once the separators are taken out.
    def words_of(sent: str) -> str:
        return sent.translate({ord(separator): None for separator in SEPARATORS})

    shortest = min(len(abstract) for abstract in abstracts)
    titles = {t.title for p in papers for t in p.translations.all()}
    converted_abstracts = [
        key for key in calls if words_of(key[1]) not in titles and len(words_of(key[1])) > shortest // 2
    ]
    # Three papers, two OpenCC variants (zh-Hans is stored as is): six conversions for twelve readers.
    assert len(converted_abstracts) == 6
