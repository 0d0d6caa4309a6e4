"""Details a reader notices: the From name in their language, every link in the plain-text part, our own
one-click unsubscribes in the edition's results, and an icon at /favicon.ico."""

import email
import re
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.delivery.results import edition_results
from digest.editions.build import build_edition
from digest.models import EmailEvent
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(topics, outbox_dir):
    paper = PaperFactory(
        title="Memory-Efficient LLM Serving", topics=[topics["llm"]], code_url="https://github.com/a/b"
    )
    TranslationFactory(paper=paper, title="高效内存的数据服务", abstract="我们提出一种节省内存的方法。")
    edition = build_edition(paper.announced_on)
    for address, language in [
        ("tw@example.com", "zh-Hant-TW"),
        ("hans@example.com", "zh-Hans"),
        ("en@example.com", "en"),
    ]:
        SubscriberFactory(email=address, language=language)
    send_edition(edition)
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return edition, paper, {m["To"]: m for m in messages}


def test_the_from_name_is_the_site_name_in_the_readers_language(sent, settings):
    _, _, messages = sent
    assert messages["tw@example.com"]["From"].addresses[0].display_name == "每日精選 AI 論文"
    assert messages["hans@example.com"]["From"].addresses[0].display_name == "每日精选 AI 论文"
    assert messages["en@example.com"]["From"].addresses[0].display_name == "Daily AI Papers"
    assert {m["From"].addresses[0].addr_spec for m in messages.values()} == {"digest@daily-ai-papers.example"}


def test_the_plain_text_part_carries_the_pdf_and_code_links(sent):
    _, paper, messages = sent
    text = messages["tw@example.com"].get_body(("plain",)).get_content()
    assert f"PDF: {paper.pdf_url}" in text
    assert "https://github.com/a/b" in text


def test_an_unsubscribe_through_our_one_click_link_counts_in_the_editions_results(sent, client):
    edition, _, messages = sent
    header = str(messages["tw@example.com"]["List-Unsubscribe"])
    link = re.search(r"<https://papers\.example\.org(/unsubscribe/[^>]+)>", header).group(1)
    client.post(link, {"List-Unsubscribe": "One-Click"})
    client.post(link, {"List-Unsubscribe": "One-Click"})  # a second click is still one unsubscribe
    results = edition_results(edition)
    by_language = {row.language: row for row in results.by_variant}
    assert by_language["zh-Hant-TW"].events["unsubscribed"] == 1
    assert results.total.events["unsubscribed"] == 1
    assert EmailEvent.objects.get().recipient == "tw@example.com"


def test_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_send_edition_shows_progress_as_emails_go_out(topics, outbox_dir, capsys):
    from django.core.management import call_command

    paper = PaperFactory(topics=[topics["llm"]])
    build_edition(paper.announced_on)
    SubscriberFactory.create_batch(3)
    call_command("send_edition")
    captured = capsys.readouterr()
    assert "sending 2025-05-28" in captured.err and "3email" in captured.err.replace(" ", "")
