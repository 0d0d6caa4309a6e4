"""An edition's figures: deliveries per language × bilingual, opens/clicks where tracked, failure reasons, CSV."""

import csv
import io
import itertools

import pytest
from django.urls import reverse

from digest.delivery.results import edition_figures, failure_reasons, figures_csv
from digest.models import Delivery, EmailEvent
from tests.admin_users import make_staff
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
EVENT_IDS = itertools.count()


def delivery(edition, language="zh-Hant-TW", bilingual=False, status="sent", error=""):
    subscriber = SubscriberFactory(language=language, bilingual=bilingual)
    return Delivery.objects.create(
        edition=edition, subscriber=subscriber, status=status, language=language, last_error=error
    )


def event(delivery, kind):
    return EmailEvent.objects.create(event_id=f"fig-{next(EVENT_IDS)}", event_type=kind, delivery=delivery)


def rows_by_key(figures):
    return {(row.language, row.bilingual): row for row in figures.rows}


def test_deliveries_are_counted_per_language_and_bilingual():
    edition = EditionFactory()
    delivery(edition)
    delivery(edition)
    delivery(edition, bilingual=True)
    delivery(edition, bilingual=True, status="failed", error="provider status rejected")
    delivery(edition, "zh-Hans", status="skipped", error="no papers in the subscriber's topics")
    delivery(edition, "zh-Hans", status="queued")
    rows = rows_by_key(edition_figures(edition))
    assert (rows["zh-Hant-TW", False].sent, rows["zh-Hant-TW", True].sent) == (2, 1)
    assert rows["zh-Hant-TW", True].failed == 1
    assert (rows["zh-Hans", False].skipped, rows["zh-Hans", False].pending) == (1, 1)
    assert list(rows) == [("zh-Hant-TW", False), ("zh-Hant-TW", True), ("zh-Hans", False)]


def test_opens_and_clicks_count_readers_in_their_language_and_bilingual_row():
    edition = EditionFactory()
    single, both = delivery(edition, "en"), delivery(edition, "en", bilingual=True)
    for _ in range(3):
        event(both, "opened")  # one reader opening three times is one open
    event(single, "opened")
    event(both, "clicked")
    figures = edition_figures(edition)
    rows = rows_by_key(figures)
    assert (rows["en", True].opened, rows["en", True].clicked) == (1, 1)
    assert (rows["en", False].opened, rows["en", False].clicked) == (1, 0)
    assert (figures.total.sent, figures.total.opened, figures.total.clicked) == (2, 2, 1)


def test_opens_and_clicks_are_untracked_when_no_such_event_arrived():
    edition = EditionFactory()
    event(delivery(edition), "delivered")
    figures = edition_figures(edition)
    assert not figures.opens_tracked and not figures.clicks_tracked


def test_failure_reasons_are_grouped_by_cause_with_counts_most_common_first():
    edition = EditionFactory()
    for address in ("a@example.com", "b@example.org"):
        delivery(edition, status="failed", error=f"550 5.1.1 <{address}>: mailbox unavailable")
    delivery(edition, status="failed", error="abandoned after 50 attempts")
    delivery(edition, status="failed", error="abandoned after 7 attempts")
    delivery(edition, status="failed", error="provider status rejected")
    delivery(edition, status="skipped", error="subscriber is unsubscribed")
    delivery(edition, status="sent")
    reasons = [(r.status, r.reason, r.count) for r in failure_reasons(edition)]
    assert reasons == [
        ("failed", "550 5.1.1 <<address>>: mailbox unavailable", 2),
        ("failed", "abandoned after N attempts", 2),
        ("failed", "provider status rejected", 1),
        ("skipped", "subscriber is unsubscribed", 1),
    ]


def test_csv_has_one_line_per_language_and_bilingual_with_untracked_figures_empty():
    edition = EditionFactory()
    opened = delivery(edition)
    delivery(edition, "zh-Hant-HK", bilingual=True, status="failed")
    event(opened, "opened")
    lines = list(csv.reader(io.StringIO(figures_csv(edition_figures(edition)))))
    assert lines == [
        ["edition", "language", "bilingual", "sent", "failed", "skipped", "pending", "opened", "clicked"],
        ["2025-05-28", "zh-Hant-TW", "no", "1", "0", "0", "0", "1", ""],
        ["2025-05-28", "zh-Hant-HK", "yes", "0", "1", "0", "0", "0", ""],
    ]


def test_editor_downloads_the_figures_as_csv(client):
    edition = EditionFactory()
    delivery(edition, bilingual=True)
    client.force_login(make_staff("mei", "editor"))
    response = client.get(reverse("admin:digest_edition_results_csv", args=[edition.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="edition-2025-05-28-figures.csv"' in response["Content-Disposition"]
    assert response.content.decode().splitlines()[1] == "2025-05-28,zh-Hant-TW,yes,1,0,0,0,,"


def test_staff_without_a_role_may_not_download_the_figures(client):
    edition = EditionFactory()
    client.force_login(make_staff("nobody", None))
    assert client.get(reverse("admin:digest_edition_results_csv", args=[edition.pk])).status_code == 403


def test_results_page_shows_the_figures_and_failure_reasons(client):
    edition = EditionFactory()
    delivery(edition, "zh-Hant-HK", bilingual=True)
    delivery(edition, status="failed", error="provider status invalid")
    client.force_login(make_staff("mei", "editor"))
    response = client.get(reverse("admin:digest_edition_results", args=[edition.pk]))
    assert response.status_code == 200
    page = response.text
    assert 'data-language="zh-Hant-HK" data-bilingual="yes"' in page
    assert "provider status invalid" in page
    assert reverse("admin:digest_edition_results_csv", args=[edition.pk]) in page
    assert "<svg" in page  # the chart of the page this extends is still there


def test_a_reader_who_switched_to_bilingual_after_the_send_is_counted_as_sent():
    edition = EditionFactory()
    sent = delivery(edition, "zh-Hans")
    Delivery.objects.filter(pk=sent.pk).update(bilingual=False)  # recorded at send time
    sent.subscriber.bilingual = True
    sent.subscriber.save(update_fields=["bilingual"])
    event(sent, "opened")
    rows = rows_by_key(edition_figures(edition))
    assert list(rows) == [("zh-Hans", False)]
    assert (rows["zh-Hans", False].sent, rows["zh-Hans", False].opened) == (1, 1)
