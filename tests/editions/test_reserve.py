"""The edition's reserve: the day's other translated papers, which reach a reader only through their own signal
(a follow or their model), never through a bare topic match."""

import datetime
import re

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.editions.curation import set_excluded
from digest.models import EditionEntry
from digest.personalization.training import retrain_readers
from subscribers.feedback import record_feedback
from tests.conftest import sent_emails
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)
YESTERDAY, TODAY = datetime.date(2025, 5, 27), datetime.date(2025, 5, 28)
DIFFUSION = "Diffusion models generate images by denoising; we improve image synthesis sampling and guidance."
TOKENS = "Tokenizers split text into subword tokens; we study byte pair encoding vocabularies for language models."


def translated(**fields):
    paper = PaperFactory(announced_on=TODAY, **fields)
    TranslationFactory(paper=paper)
    return paper


@pytest.fixture
def day(topics):
    """Two diffusion papers lead on upvotes and make the edition (capped at two); a tokenizer paper by Grace Hopper
    is the day's third, in the reserve."""
    for n in range(2):
        translated(title=f"Faster Diffusion Sampling {n}", abstract=DIFFUSION, score=50 - n, topics=[topics["llm"]])
    reserve = translated(title="Tokenizer Study", abstract=TOKENS, authors=["Grace Hopper"], score=1,
                         topics=[topics["llm"]])  # fmt: skip
    return build_edition(TODAY, max_papers=2), reserve


def plain_text(message) -> str:
    return message.get_body(("plain",)).get_content()


def mail_of(outbox_dir, address: str):
    return next(m for m in sent_emails(outbox_dir) if str(m["To"]) == address)


def test_the_reserve_paper_is_not_in_the_edition(day):
    edition, reserve = day
    assert reserve.pk not in set(EditionEntry.objects.filter(edition=edition).values_list("paper_id", flat=True))


def test_a_cold_start_reader_gets_the_edition_only_even_where_the_reserve_matches_their_topics(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="cold@example.com", language="en", topics=[topics["llm"]])
    send_edition(edition)
    assert "Tokenizer Study" not in plain_text(mail_of(outbox_dir, "cold@example.com"))


def test_a_followed_author_is_found_beyond_the_edition(day, topics, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="f@example.com", language="en", topics=[topics["vision"]],
                      follows={"authors": ["Grace Hopper"]})  # fmt: skip
    send_edition(edition)
    text = plain_text(mail_of(outbox_dir, "f@example.com"))
    assert "Tokenizer Study" in text and "Why you got this: you follow Grace Hopper." in text


def like_tokenizers(reader) -> None:
    for n in range(3):
        old = PaperFactory(title=f"Liked Tokenizer Paper {n}", abstract=TOKENS + f" Take {n}.", announced_on=YESTERDAY)
        record_feedback(reader, old, "up")


def test_a_reserve_paper_the_readers_model_likes_comes_first_and_says_why(day, outbox_dir):
    edition, _ = day
    like_tokenizers(SubscriberFactory(email="m@example.com", language="en", max_papers=3))
    retrain_readers()
    send_edition(edition)
    text = plain_text(mail_of(outbox_dir, "m@example.com"))
    assert text.index("Tokenizer Study") < text.index("Faster Diffusion Sampling 0")
    assert "Why you got this: similar to papers you liked." in text


def test_a_paper_editors_excluded_never_comes_through_the_reserve(day, outbox_dir):
    edition, _ = day
    excluded = translated(title="Withdrawn Tokenizer Claims", abstract=TOKENS, authors=["Grace Hopper"])
    entry = EditionEntry.objects.create(edition=edition, paper=excluded, position=2)
    set_excluded(entry, True)
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Grace Hopper"]})
    send_edition(edition)
    text = plain_text(mail_of(outbox_dir, "f@example.com"))
    assert "Tokenizer Study" in text and "Withdrawn Tokenizer Claims" not in text


def test_an_untranslated_paper_of_the_day_is_not_in_the_reserve(day, outbox_dir):
    edition, _ = day
    PaperFactory(title="Untranslated Tokenizer Notes", abstract=TOKENS, authors=["Grace Hopper"], announced_on=TODAY)
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Grace Hopper"]})
    send_edition(edition)
    assert "Untranslated Tokenizer Notes" not in plain_text(mail_of(outbox_dir, "f@example.com"))


def test_the_readers_web_view_shows_the_reserve_paper_they_were_sent(day, client, outbox_dir):
    edition, _ = day
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Grace Hopper"]})
    send_edition(edition)
    html = mail_of(outbox_dir, "f@example.com").get_body(("html",)).get_content()
    link = re.search(r'<a href="https://papers\.example\.org(/read/[^"]+)">', html).group(1)
    page = client.get(link, follow=True)  # the email's link goes on to the view's own address
    assert page.status_code == 200 and "Tokenizer Study" in page.content.decode()


def test_a_reserve_of_zero_keeps_every_reader_to_the_edition(day, settings, outbox_dir):
    settings.EDITION_RESERVE_PAPERS = 0
    edition, _ = day
    SubscriberFactory(email="f@example.com", language="en", follows={"authors": ["Grace Hopper"]})
    send_edition(edition)
    assert "Tokenizer Study" not in plain_text(mail_of(outbox_dir, "f@example.com"))
