"""The admin's slow jobs in Chromium: a re-translation that failed and one still queued on the edition page,
finding a paper with the candidate search, and "Fetch now" on the sources list.

Screenshots (var/screenshots/): edition-retranslation(-rows), translation-pending, edition-candidate-search,
source-list, source-page.
"""

import datetime
import json

import pytest
from django.utils import timezone

from digest.editions.build import build_edition
from digest.models import EditionEntry, Paper, Source
from digest.papers.ingest import ingest_document
from digest.translation.stored import load_reference_translations
from tests.admin_users import make_staff
from tests.conftest import SAMPLE_DATA, bad, sample
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_editor_morning import log_in
from tests.fakes.http import LoopbackServer, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2025, 5, 28)


@pytest.fixture
def edition(topics):
    """The sample day (about a hundred papers, the reference translations) with a 12-paper edition."""
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    ingest_document(sample("arxiv_rss_cs.CL_2025-05-28.xml"), "arxiv_rss")
    mapping = json.loads((SAMPLE_DATA / "translations_zh-Hans_hf_daily_2025-05-28.json").read_text("utf-8"))
    load_reference_translations(mapping)
    return build_edition(DAY, max_papers=12)


def test_edition_page_shows_a_failed_and_a_queued_retranslation(page, live_server, edition, settings):
    make_staff("mei", "editor")
    first, second = EditionEntry.objects.filter(edition=edition).order_by("-featured", "position")[:2]
    log_in(page, live_server, "mei")
    with LoopbackServer(lambda request: Reply(status=401, body={"error": "bad key"})) as llm:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = llm.url + "/v1", "m"
        page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/papers/{first.paper_id}/translation/")
        page.click("[data-testid=retranslate]")
        page.wait_for_load_state()
    assert "已排隊重新翻譯" in page.locator(".messagelist").inner_text()  # the editor's browser asks for zh-TW
    Paper.objects.filter(pk=second.paper_id).update(retranslation_requested_at=timezone.now())
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/curate/")
    row = page.locator(f"#entry-{first.pk}")
    assert "上次重新翻譯失敗：translator answered HTTP 401" in row.inner_text()
    assert "已排隊重新翻譯" in page.locator(f"#entry-{second.pk}").inner_text()
    screenshot(page, "edition-retranslation")
    page.locator("table.entries").screenshot(path=str(SCREENSHOTS / "edition-retranslation-rows.png"))
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/papers/{second.paper_id}/translation/")
    assert "排隊重新翻譯；重新載入本頁" in page.locator("[data-testid=retranslation-pending]").inner_text()
    screenshot(page, "translation-pending")


def test_editor_finds_a_paper_by_author_and_adds_it(page, live_server, edition):
    make_staff("mei", "editor")
    in_edition = set(EditionEntry.objects.filter(edition=edition).values_list("paper_id", flat=True))
    wanted = Paper.objects.filter(announced_on=DAY, announce_type="new").exclude(pk__in=in_edition).last()
    author = wanted.authors[-1]
    log_in(page, live_server, "mei")
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/curate/")
    page.fill("#cand-q", author)
    page.click(".candidate-search button")
    page.wait_for_load_state()
    assert page.locator(f"tr[data-arxiv-id='{wanted.arxiv_id}']").count() == 1
    screenshot(page, "edition-candidate-search")
    page.locator(f"tr[data-arxiv-id='{wanted.arxiv_id}'] button").click()
    page.wait_for_load_state()
    assert EditionEntry.objects.filter(edition=edition, paper=wanted).exists()
    assert page.input_value("#cand-q") == author


def test_fetch_now_from_the_sources_list(page, live_server, topics):
    make_staff("mei", "editor")
    feeds = {"/good": sample("arxiv_rss_cs.AI_2025-05-28.xml"), "/broken": bad("truncated.xml")}
    rss = {"Content-Type": "application/rss+xml"}
    with LoopbackServer(lambda request: Reply(200, feeds[request.path], rss)) as srv:
        Source.objects.create(slug="cs-ai", name="arXiv cs.AI", kind="arxiv_rss", url=srv.url + "/good")
        Source.objects.create(slug="broken", name="A broken feed", kind="arxiv_rss", url=srv.url + "/broken")
        Source.objects.create(slug="hf", name="Hugging Face daily", kind="hf_daily", url=srv.url + "/hf")
        log_in(page, live_server, "mei")
        page.goto(live_server.url + "/admin/digest/source/")
        for name in ("arXiv cs.AI", "A broken feed"):
            page.locator("tr", has_text=name).locator("input.action-select").check()
        page.select_option("select[name=action]", "fetch_now")
        page.click("button[name=index]")
        page.wait_for_load_state()
    text = page.locator("#result_list").inner_text()
    # The editor's browser asks for zh-TW (tests/e2e/conftest.py): the admin answers in Taiwan's wording.
    assert "已排隊抓取 broken, cs-ai" in page.locator(".messagelist").inner_text()
    assert "新增 60 篇、更新 0 篇、未變 0 篇" in text and "feed is not well-formed" in text and "從未抓取" in text
    screenshot(page, "source-list")
    page.click("text=A broken feed")
    page.wait_for_load_state()
    assert page.locator("[data-testid=fetch-now]").is_visible()
    screenshot(page, "source-page")
