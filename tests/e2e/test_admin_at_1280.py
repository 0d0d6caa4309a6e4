"""The editor's main admin pages in Chromium at 1280 px, in zh-TW, over the sample day: the admin index with its
status box (the day's health), an edition's curate page, the approval confirmation and the results page.

Screenshots (var/screenshots/): admin-index-status-box-1280, curate-1280, approval-confirmation-1280, results-1280.
"""

import datetime
import json

import pytest
from django.utils import timezone

from digest.editions.build import build_edition
from digest.models import Delivery, Edition, EmailEvent, Source, TranslationRequest
from digest.papers.ingest import ingest_document
from digest.translation.stored import load_reference_translations
from tests.admin_users import make_staff
from tests.conftest import SAMPLE_DATA, sample
from tests.e2e.conftest import log_in, screenshot
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2025, 5, 28)


@pytest.fixture
def newsroom(topics):
    """The sample day as a draft edition, yesterday's edition sent (one delivery failed), a source whose last fetch
    failed and the morning's translation requests."""
    now = timezone.now()
    Source.objects.create(slug="cs-cl", name="arXiv cs.CL", kind=Source.Kind.ARXIV_RSS, last_status="ok",
                          url="https://rss.arxiv.org/rss/cs.CL", last_fetched_at=now)
    Source.objects.create(slug="hf", name="Hugging Face", kind=Source.Kind.HF_DAILY, last_status="error",
                          url="https://huggingface.co/papers", last_error="timed out", last_fetched_at=now)
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    ingest_document(sample("arxiv_rss_cs.CL_2025-05-28.xml"), "arxiv_rss")
    mapping = json.loads((SAMPLE_DATA / "translations_zh-Hans_hf_daily_2025-05-28.json").read_text("utf-8"))
    load_reference_translations(mapping)
    draft = build_edition(DAY, max_papers=12)
    sent = EditionFactory(date=DAY - datetime.timedelta(days=1), status=Edition.Status.SENT, sent_at=now)
    for number, language in enumerate(["zh-Hant-TW", "zh-Hant-TW", "zh-Hant-HK", "zh-Hans", "en"]):
        reader = SubscriberFactory(language=language)
        status = "failed" if number == 4 else "sent"
        delivery = Delivery.objects.create(edition=sent, subscriber=reader, status=status, language=language,
                                           paper_count=5, last_error="provider status rejected" * (status == "failed"))
        if number % 2 == 0 and status == "sent":
            EmailEvent.objects.create(event_id=f"open-{number}", event_type="opened", delivery=delivery)
    TranslationRequest.objects.bulk_create(
        TranslationRequest(model="qwen2.5-7b", prompt_version="v1", status=status, created_at=now)
        for status in ["ok"] * 11 + ["failed"]
    )
    return draft, sent


@pytest.fixture
def wide_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_admin_index_shows_the_days_health_in_a_status_box(wide_page, live_server, newsroom):
    _draft, sent = newsroom
    make_staff("boss", "admin")
    log_in(wide_page, live_server, "boss")
    box = wide_page.locator("#status-box")
    assert box.is_visible()
    text = box.inner_text()
    assert "需要注意" in text and "上次抓取" in text and "失敗：Hugging Face" in text
    assert "11 個請求已回覆，1 個失敗" in text
    assert "1 封投遞失敗" in text
    box_top = box.bounding_box()["y"]
    assert box_top < wide_page.locator("#content-main").bounding_box()["y"] + 5  # above the app list, not under it
    screenshot(wide_page, "admin-index-status-box-1280")
    box.locator("a", has_text="1 封投遞失敗").click()
    wide_page.wait_for_load_state()
    assert f"edition__id__exact={sent.pk}" in wide_page.url and "status__exact=failed" in wide_page.url
    assert wide_page.locator("#result_list tbody tr").count() == 1


def test_curate_approval_and_results_pages_at_1280(wide_page, live_server, newsroom):
    draft, sent = newsroom
    make_staff("mei", "editor")
    log_in(wide_page, live_server, "mei")
    wide_page.goto(f"{live_server.url}/admin/digest/edition/{draft.pk}/curate/")
    assert wide_page.locator("[data-testid=approve]").is_visible()
    screenshot(wide_page, "curate-1280")
    wide_page.click("[data-testid=approve]")
    wide_page.wait_for_load_state()
    assert wide_page.locator("[data-testid=confirm-approve]").is_visible()
    screenshot(wide_page, "approval-confirmation-1280")
    wide_page.goto(f"{live_server.url}/admin/digest/edition/{sent.pk}/results/")
    assert wide_page.locator("[data-testid=by-language-and-bilingual]").is_visible()
    screenshot(wide_page, "results-1280")
