"""Results of an edition: readers counted per variant and event type, clicks mapped to papers."""

import datetime
import itertools
import re

import pytest

from digest.delivery.results import edition_results, most_clicked_papers
from digest.delivery.results_chart import recent_editions_chart
from digest.models import Delivery, EmailEvent
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def delivery(edition, language="zh-Hant-TW", status="sent"):
    return Delivery.objects.create(
        edition=edition, subscriber=SubscriberFactory(language=language), status=status, language=language
    )


EVENT_IDS = itertools.count()


def event(delivery, kind, url=""):
    return EmailEvent.objects.create(event_id=f"ev-{next(EVENT_IDS)}", event_type=kind, delivery=delivery, url=url)


def test_counts_are_per_variant_and_per_reader():
    edition = EditionFactory()
    taiwan, hong_kong = delivery(edition), delivery(edition, "zh-Hant-HK")
    delivery(edition, "en", status="failed")
    for _ in range(3):
        event(taiwan, "opened")  # one reader opening three times is one open
    event(hong_kong, "bounced")
    event(hong_kong, "unsubscribed")
    results = edition_results(edition)
    by_language = {row.language: row for row in results.by_variant}
    assert by_language["zh-Hant-TW"].events["opened"] == 1
    assert by_language["zh-Hant-HK"].events["bounced"] == 1
    assert by_language["zh-Hant-HK"].events["unsubscribed"] == 1
    assert by_language["en"].failed == 1 and by_language["en"].recipients == 0
    assert results.total.recipients == 2 and results.total.open_rate == 0.5


def test_clicks_are_mapped_to_papers_by_arxiv_id():
    entry = EditionEntryFactory(paper__arxiv_id="2505.14970")
    reader_a, reader_b = delivery(entry.edition), delivery(entry.edition)
    event(reader_a, "clicked", "https://arxiv.org/abs/2505.14970v2")
    event(reader_a, "clicked", "https://arxiv.org/pdf/2505.14970")
    event(reader_b, "clicked", "https://arxiv.org/abs/2505.14970")
    event(reader_b, "clicked", "https://papers.example.org/archive/")
    top = most_clicked_papers(entry.edition)
    assert (top[0].paper, top[0].clicks, top[0].readers) == (entry.paper, 3, 2)
    assert top[1].paper is None and top[1].url == "https://papers.example.org/archive/"


def test_events_of_other_editions_are_not_counted():
    edition, other = EditionFactory(), EditionFactory(date=datetime.date(2025, 5, 27))
    event(delivery(other), "opened")
    assert edition_results(edition).total.events["opened"] == 0


def test_chart_has_three_bars_per_edition_scaled_to_the_largest():
    editions = [EditionFactory(date=datetime.date(2025, 5, 1) + datetime.timedelta(days=n), status="sent")
                for n in range(3)]  # fmt: skip
    EditionFactory(date=datetime.date(2025, 5, 4))  # tomorrow's draft: nothing to chart yet
    for _ in range(4):
        event(delivery(editions[2]), "opened")
    delivery(editions[0])
    chart = recent_editions_chart()
    assert chart.editions == 3 and len(chart.bars) == 9
    assert chart.maximum == 4
    last_recipients = next(b for b in chart.bars[6:] if b.series == "recipients")
    assert last_recipients.height == chart.plot_bottom - chart.plot_top


def test_a_click_without_a_reported_link_says_so_on_the_results_page(client):
    from django.urls import reverse

    from tests.admin_users import make_staff

    edition = EditionFactory()
    event(delivery(edition), "clicked", url="")
    client.force_login(make_staff("mei", "editor"))
    page = client.get(reverse("admin:digest_edition_results", args=[edition.pk])).text
    assert "(the provider did not say which link)" in page


def results_page(client, edition) -> str:
    from django.urls import reverse

    from tests.admin_users import make_staff

    client.force_login(make_staff("mei", "editor"))
    return client.get(reverse("admin:digest_edition_results", args=[edition.pk])).text


def test_no_bounces_complaints_or_unsubscribes_are_not_shown_as_trouble(client):
    edition = EditionFactory()
    event(delivery(edition), "delivered")
    page = results_page(client, edition)
    assert 'class="kpi bad"' not in page


def test_a_bounce_is_shown_as_trouble(client):
    edition = EditionFactory()
    event(delivery(edition), "bounced")
    assert 'class="kpi bad" data-testid="kpi-bounced"' in results_page(client, edition)


def test_opens_read_not_tracked_in_the_summary_as_in_the_table_when_no_open_arrived(client):
    edition = EditionFactory()
    event(delivery(edition), "delivered")
    page = results_page(client, edition)
    summary = page.split('data-testid="kpi-opened"')[1].split("</div>")[0]
    assert "—" in summary and "not tracked" in summary and "(0%)" not in summary


def test_the_variant_table_reads_not_tracked_where_the_summary_does(client):
    edition = EditionFactory()
    event(delivery(edition), "opened")
    page = results_page(client, edition)
    assert "—" in page.split('data-testid="kpi-clicked"')[1].split("</div>")[0]
    table = page.split('data-testid="by-variant"')[1].split("</table>")[0]
    header = re.findall(r"<th>([^<]*)</th>", table)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = dict(zip(header, re.findall(r"<td>([^<]*)</td>", row), strict=False))
        assert cells["clicked"] == "—" and cells["opened"] == "1", cells


def test_opens_are_counted_in_the_summary_when_they_arrive(client):
    edition = EditionFactory()
    event(delivery(edition), "opened")
    summary = results_page(client, edition).split('data-testid="kpi-opened"')[1].split("</div>")[0]
    assert '<span class="n">1</span>' in summary and "not tracked" not in summary


def test_the_chart_counts_an_old_edition_once_and_then_reads_its_stored_totals():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from digest.models import EditionTotals

    old = EditionFactory(date=datetime.date(2025, 5, 1), sent_at=timezone.now() - datetime.timedelta(days=8),
                         status="sent")
    recent = EditionFactory(date=datetime.date(2025, 5, 9), sent_at=timezone.now() - datetime.timedelta(days=1),
                            status="sent")
    event(delivery(old), "opened")
    event(delivery(old), "clicked")
    delivery(recent)
    first = recent_editions_chart()
    assert list(EditionTotals.objects.values_list("edition_id", "recipients", "opened", "clicked")) == [
        (old.pk, 2, 1, 1)
    ]
    event(delivery(recent), "opened")
    with CaptureQueriesContext(connection) as queries:
        again = recent_editions_chart()
    assert [bar.value for bar in again.bars[:3]] == [bar.value for bar in first.bars[:3]] == [2, 1, 1]
    assert [bar.value for bar in again.bars[3:]] == [2, 1, 0]
    counted = [q["sql"] for q in queries.captured_queries if "digest_delivery" in q["sql"]]
    assert counted and all(f"({recent.pk})" in sql or f"= {recent.pk}" in sql for sql in counted), counted


def test_the_results_page_counts_the_editions_events_once(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    edition = EditionFactory(sent_at=timezone.now() - datetime.timedelta(days=8))
    event(delivery(edition), "opened")
    from django.urls import reverse

    results_page(client, edition)  # the chart stores this edition's totals
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:digest_edition_results", args=[edition.pk])).status_code == 200
    counts = [
        q["sql"] for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"] and "digest_emailevent" in q["sql"]
    ]
    assert len(counts) == 1, counts


def test_the_results_page_charts_its_own_edition_from_the_count_its_tables_read(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from tests.admin_users import make_staff

    edition = EditionFactory(sent_at=timezone.now() - datetime.timedelta(days=1), status="sent")
    event(delivery(edition), "opened")
    event(delivery(edition), "clicked")
    delivery(edition, status="failed")
    client.force_login(make_staff("mei", "editor"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:digest_edition_results", args=[edition.pk]))
    assert [bar.value for bar in response.context["chart"].bars] == [2, 1, 1]
    sql = [q["sql"] for q in queries.captured_queries]
    counts = [text for text in sql if "COUNT(" in text and 'FROM "digest_delivery"' in text]
    assert len(counts) == 1, counts
