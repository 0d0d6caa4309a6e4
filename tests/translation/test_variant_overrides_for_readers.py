"""An editor's Taiwan override reaches every place a Taiwan reader reads the paper (the email the send path builds,
the archive after its cache period, the paper page, the feed) and no other variant's readers."""

from __future__ import annotations

import datetime
import email
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from digest.delivery.fanout import send_edition
from digest.editions import variant_overrides
from digest.models import Edition
from digest.translation.variants import to_variant
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)
SIMPLIFIED_TITLE = "通过强化学习训练的大模型推理"
TW_TITLE = "以強化學習訓練的大型模型推論（編輯版）"
TW_ABSTRACT = "本文由編輯改寫：我們以強化學習訓練大型模型，並評估其推論能力。"
READERS = {"zh-Hant-TW": "tw@example.com", "zh-Hant-HK": "hk@example.com", "zh-Hans": "hans@example.com"}


@pytest.fixture
def translation():
    entry = EditionEntryFactory(edition=EditionFactory())
    return TranslationFactory(paper=entry.paper, title=SIMPLIFIED_TITLE)


def inbox(outbox_dir) -> dict[str, str]:
    """Each reader's HTML, with the 8bit line folds (nothing a reader sees) taken out."""
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    return {
        str(m["To"]): " ".join(m.get_body(("html",)).get_content().replace("<!--\n-->", "").split()) for m in messages
    }


def override_taiwan(paper) -> None:
    variant_overrides.save_variant_override(paper, "zh-Hant-TW", TW_TITLE, TW_ABSTRACT)


def test_the_taiwan_email_carries_the_override_and_the_others_the_conversion(translation, outbox_dir):
    for language in READERS:
        SubscriberFactory(email=READERS[language], language=language)
    override_taiwan(translation.paper)
    send_edition(translation.paper.edition_entries.get().edition)
    emails = inbox(outbox_dir)
    taiwan, hong_kong, simplified = (emails[READERS[language]] for language in READERS)
    assert TW_TITLE in taiwan and TW_ABSTRACT in taiwan
    assert to_variant(SIMPLIFIED_TITLE, "zh-Hant-TW") not in taiwan
    assert to_variant(SIMPLIFIED_TITLE, "zh-Hant-HK") in hong_kong and TW_TITLE not in hong_kong
    assert SIMPLIFIED_TITLE in simplified and TW_TITLE not in simplified


def test_an_override_saved_after_one_send_is_what_the_next_send_renders(translation, outbox_dir):
    """The send path keeps an edition's papers, prepared and rendered, per process and edition: the weekly that
    repeats the paper is prepared afresh, with the override saved since the daily went out."""
    SubscriberFactory(email="daily@example.com", language="zh-Hant-TW")
    SubscriberFactory(email="weekly@example.com", language="zh-Hant-TW", frequency="weekly")
    send_edition(translation.paper.edition_entries.get().edition)
    assert to_variant(SIMPLIFIED_TITLE, "zh-Hant-TW") in inbox(outbox_dir)["daily@example.com"]
    override_taiwan(translation.paper)
    weekly = EditionFactory(kind=Edition.Kind.WEEKLY)
    EditionEntryFactory(edition=weekly, paper=translation.paper)
    send_edition(weekly)
    assert TW_TITLE in inbox(outbox_dir)["weekly@example.com"]


def test_the_archive_shows_the_override_to_taiwan_readers_after_its_cache_period(
    client, translation, settings, time_machine
):
    time_machine.move_to(timezone.now())
    edition = translation.paper.edition_entries.get().edition
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    archive = reverse("digest:archive_edition", args=[f"{edition.date:%Y-%m-%d}"])
    assert TW_TITLE not in client.get(archive, {"lang": "zh-Hant-TW"}).text
    override_taiwan(translation.paper)
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=settings.ARCHIVE_CACHE_SECONDS + 1))
    assert TW_TITLE in client.get(archive, {"lang": "zh-Hant-TW"}).text
    hong_kong = client.get(archive, {"lang": "zh-Hant-HK"}).text
    assert TW_TITLE not in hong_kong and to_variant(SIMPLIFIED_TITLE, "zh-Hant-HK") in hong_kong


def test_the_paper_page_shows_the_override_only_as_the_taiwan_version(client, translation):
    Edition.objects.filter(pk=translation.paper.edition_entries.get().edition_id).update(status=Edition.Status.SENT)
    override_taiwan(translation.paper)
    page = client.get(reverse("digest:paper", args=[translation.paper.arxiv_id])).text
    assert page.count(TW_TITLE) == 1
    assert to_variant(SIMPLIFIED_TITLE, "zh-Hant-HK") in page


def test_the_taiwan_feed_carries_the_override(client, translation):
    Edition.objects.filter(pk=translation.paper.edition_entries.get().edition_id).update(status=Edition.Status.SENT)
    override_taiwan(translation.paper)
    assert TW_TITLE in client.get(reverse("digest:feed_rss", args=["zh-Hant-TW"])).text
    assert TW_TITLE not in client.get(reverse("digest:feed_rss", args=["zh-Hant-HK"])).text
