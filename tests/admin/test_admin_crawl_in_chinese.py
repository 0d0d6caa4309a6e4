"""Every admin page speaks the editor's Chinese: a superuser crawls the admin from /admin/, following each same-site
link, in zh-TW, zh-HK and zh-Hans, over a newsroom whose data is all Chinese (titles, abstracts, authors, notes,
reasons), so that any English word left on a page is interface text someone forgot to translate.

Pages are told apart by their path, with object ids folded, so each kind of page is read once whatever object a link
names, and once more with one query string (a filter, a date, a popup; a sort order or page number is the same page),
so the filters' many combinations do not crowd out the other pages. The four crawls take some fifteen seconds."""

from __future__ import annotations

import datetime
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from digest.models import (
    Delivery,
    Edition,
    EmailEvent,
    GlossaryTerm,
    SiteSettings,
    Source,
    Topic,
    TranslationFailure,
    TranslationRequest,
    VariantOverride,
    VariantPhrase,
)
from digest.papers.ingest import IngestResult
from subscribers.models import Feedback, Subscriber, SubscriberImport
from tests.admin_users import make_staff
from tests.factories import ChineseEditionEntryFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db

MAX_PAGES = 300
QUERIES_PER_PAGE = 1

#: ASCII words that are names, not interface text, each for its reason.
ALLOWED = {
    # the site's own bilingual name, in the header of every page
    "daily", "papers",
    # names of sources, formats, protocols, standards and products that editors read as they are
    "arxiv", "pdf", "url", "csv", "api", "llm", "rss", "atom", "smtp", "json", "html", "tl;dr", "opencc", "django",
    "hugging", "face", "http", "etag", "ldap",
    # keys and a computer, as Django's own Chinese catalogues name them ("按住 Control，或在 Mac 上按 Command")
    "control", "command", "mac",
    # the term of art the catalogues keep for what a model bills (提示詞 token 數), as Chinese pricing pages do
    "token", "tokens",
    # the English variant's name among the reader variants, each named in its own language (简体中文 too)
    "english",
}
#: Identifiers and addresses in the visible text, removed before looking for words.
NOT_WORDS = re.compile(
    r"https?://\S+"  # addresses
    r"|\S+@\S+"  # email addresses
    r"|\b[A-Za-z.]*\d[\w.\-]*"  # identifiers with digits: model names (qwen2.5-7b), versions (v1), arXiv ids
    r"|\b[a-z]{2}\.[A-Z]{2}\b"  # arXiv categories (cs.CL)
    r"|\bzh-\w+(?:-\w+)?"  # language tags
    r"|\b[A-Z]+(?:_[A-Z]+)+\b"  # names of settings (TRANSLATOR_PRICE_PROMPT_PER_MTOK)
    r"|\S*\*{3,}"  # a masked secret (the start of a password hash's salt, then asterisks)
    r"|\bMessage-ID\b"  # the email header's name
)
WORD = re.compile(r"[A-Za-z][A-Za-z;']{2,}")
CHECKED_ATTRIBUTES = ("title", "placeholder", "aria-label")
#: Not read: scripts and styles, a text area's content (a field's value: data, not interface), and what is marked up
#: as code (a file format's column names, a command), which an editor types as it is.
HIDDEN_TAGS = ("script", "style", "template", "textarea", "code", "kbd")
SKIPPED_PATHS = ("/admin/logout/", "/admin/jsi18n/", "/admin/r/")


class VisibleText(HTMLParser):
    """The text a reader sees: data outside <script> and <style>, plus the attributes a browser shows (titles,
    placeholders, labels, the words on buttons), and the links to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HIDDEN_TAGS:
            self.hidden_depth += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts.extend(attributes[name] for name in CHECKED_ATTRIBUTES if attributes.get(name))
        if tag == "img" and attributes.get("alt") and "/admin/img/icon-" not in attributes.get("src", ""):
            self.parts.append(attributes["alt"])  # Django's yes/no icons say True/False, untranslatable
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_TAGS:
            self.hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def english_words(text: str, data_words: frozenset[str] = frozenset()) -> list[str]:
    words = WORD.findall(NOT_WORDS.sub(" ", text))
    return [word for word in words if word.lower().strip(";'") not in ALLOWED | data_words]


def words_of(*texts: object) -> set[str]:
    return {word.lower().strip(";'") for text in texts for word in WORD.findall(str(text))}


def english_data() -> dict[str, frozenset[str]]:
    """English that is data by nature, allowed only on its own model's pages: the shipped topics' English names,
    descriptions and keyword patterns (a topic has both names; elsewhere the admin shows the editor's one), the
    English terms of the shipped glossary, and the staff roles' group names, which the code looks up by name (elsewhere
    the admin shows the roles' translated names)."""
    return {
        "/admin/digest/topic/": frozenset(words_of(*Topic.objects.values_list(
            "slug", "name_en", "description_en", "keywords", "arxiv_categories"))),
        "/admin/digest/glossaryterm/": frozenset(words_of(*GlossaryTerm.objects.values_list("term", "notes"))),
        "/admin/auth/group/": frozenset(words_of(*Group.objects.values_list("name", flat=True))),
    }


def page_kind(url: str) -> str:
    return re.sub(r"/\d+/", "/N/", urlsplit(url).path)


#: Query parameters that show the same words again: a change page's memory of the list's filters, a list's sort
#: order and page number.
SAME_PAGE_PARAMETERS = ("_changelist_filters", "o", "p")


def without_same_page_parameters(query: str) -> str:
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in SAME_PAGE_PARAMETERS]
    return urlencode(kept)


def crawl(client, language: str) -> dict[str, list[str]]:
    """English words per page, every admin page reachable from the index."""
    data = english_data()
    found: dict[str, list[str]] = {}
    queue = deque(["/admin/"])
    seen = {("/admin/", "")}
    queries_per_kind: Counter[str] = Counter()
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        visited += 1
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:
            links = [response["Location"]]
        elif not response.get("Content-Type", "").startswith("text/html"):
            continue
        else:
            parser = VisibleText()
            parser.feed(response.content.decode())
            data_words = frozenset().union(*(words for prefix, words in data.items() if url.startswith(prefix)))
            words = english_words("\n".join(parser.parts), data_words)
            if words:
                found[url] = sorted(set(words))
            links = parser.links
        for link in links:
            target = urldefrag(urljoin(url, link)).url
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/admin/"):
                continue
            if parts.path.startswith(SKIPPED_PATHS):
                continue
            kind, query = page_kind(target), without_same_page_parameters(parts.query)
            if (kind, query) in seen or (query and queries_per_kind[kind] >= QUERIES_PER_PAGE):
                continue
            seen.add((kind, query))
            queries_per_kind[kind] += bool(query)
            queue.append(parts.path + (f"?{query}" if query else ""))
    assert visited > 30, f"the crawl reached only {visited} pages"
    return found


@pytest.fixture
def chinese_newsroom(topics):
    """One of everything the admin lists, in Chinese wherever it is data."""
    now = timezone.now()
    fetched = IngestResult(source="arxiv-cl", created=3, updated=1, skipped=[(7, "壞項目")]).summary()
    source = Source.objects.create(slug="arxiv-cl", name="計算語言學", kind=Source.Kind.ARXIV_RSS,
                                   url="https://rss.arxiv.org/rss/cs.CL", last_status="ok", last_fetched_at=now,
                                   last_result=fetched.removeprefix("arxiv-cl: "))
    Source.objects.create(slug="hf", name="每日熱門", kind=Source.Kind.HF_DAILY, url="https://huggingface.co/papers",
                          last_status="error", last_error="逾時", last_fetched_at=now)
    sent = ChineseEditionEntryFactory(edition__status=Edition.Status.SENT, edition__sent_at=now, featured=True)
    draft = ChineseEditionEntryFactory(edition__date=datetime.date(2025, 5, 29))
    for entry in (sent, draft):
        entry.paper.sources.add(source)
        entry.paper.topics.add(topics["llm"])
        TranslationFactory(paper=entry.paper, model="qwen2.5-7b")
    reader = SubscriberFactory(email="du@example.com", topics=[topics["llm"]])
    SubscriberFactory(email="lin@example.com", status=Subscriber.Status.PENDING)
    delivery = Delivery.objects.create(edition=sent.edition, subscriber=reader, status=Delivery.Status.SENT,
                                       language="zh-Hant-TW", paper_count=1, sent_at=now)
    EmailEvent.objects.create(event_id="事件一", event_type="opened", recipient=reader.email, delivery=delivery)
    Feedback.objects.create(subscriber=reader, paper=sent.paper, vote=Feedback.Vote.UP)
    TranslationFailure.objects.create(paper=draft.paper, model="qwen2.5-7b", reason="回覆不是中文")
    TranslationRequest.objects.create(paper=draft.paper, model="qwen2.5-7b", prompt_version="v1",
                                      status=TranslationRequest.Status.OK)
    GlossaryTerm.objects.create(term="大型语言模型", zh_hans="大型语言模型", notes="統一譯名")
    VariantPhrase.objects.create(zh_hans="鲁棒性", zh_hant_tw="穩健性", notes="台灣慣用")
    VariantOverride.objects.create(paper=sent.paper, language="zh-Hant-TW", title="台灣標題", abstract="台灣摘要",
                                   made_from="0" * 32)
    SubscriberImport.objects.create(filename="讀者.csv", total_rows=1, created=1)
    SiteSettings.objects.get_or_create(pk=1)
    return get_user_model().objects.create_superuser("美玲", "mei@example.org", "密碼密碼密碼密碼")


@pytest.mark.parametrize("language", ["zh-TW", "zh-HK", "zh-Hans"])
def test_every_admin_page_is_in_the_editors_chinese(client, chinese_newsroom, language):
    client.force_login(chinese_newsroom)
    found = crawl(client, language)
    report = "\n".join(f"{url}: {' '.join(words)}" for url, words in sorted(found.items()))
    total = sum(len(words) for words in found.values())
    assert not found, f"{total} English words on {len(found)} pages in {language}:\n{report}"


def test_an_editors_admin_is_in_chinese_too(client, chinese_newsroom):
    """An editor reads fewer pages, and some of them as read-only views (fields shown as text, not inputs)."""
    client.force_login(make_staff("美華", "editor"))
    found = crawl(client, "zh-TW")
    report = "\n".join(f"{url}: {' '.join(words)}" for url, words in sorted(found.items()))
    assert not found, f"English words on {len(found)} of an editor's pages:\n{report}"
