"""An editor's morning in Chromium: curate, fix a translation, preview the Hong Kong variant, test, approve.

Screenshots (var/screenshots/) of the edition page, the translation page, the preview and the results page.
"""

import datetime
import email
import email.policy
import json

import pytest

from digest.editions.build import build_edition
from digest.models import Delivery, Edition, EditionEntry, EmailEvent, Translation
from digest.papers.ingest import ingest_document
from digest.translation.stored import load_reference_translations
from digest.translation.variants import convert
from tests.admin_users import make_staff
from tests.conftest import SAMPLE_DATA, sample
from tests.e2e.conftest import SCREENSHOTS, log_in, screenshot
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2025, 5, 28)
FIXED_TITLE = "自我进化课程：让大模型推理更上一层楼"


@pytest.fixture
def sample_edition(topics):
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    ingest_document(sample("arxiv_rss_cs.CL_2025-05-28.xml"), "arxiv_rss")
    mapping = json.loads((SAMPLE_DATA / "translations_zh-Hans_hf_daily_2025-05-28.json").read_text("utf-8"))
    load_reference_translations(mapping)
    return build_edition(DAY, max_papers=12)


def order(edition):
    entries = EditionEntry.objects.filter(edition=edition).order_by("-featured", "position", "pk")
    return list(entries.values_list("pk", flat=True))


def test_editor_curates_previews_tests_and_approves(page, live_server, sample_edition, outbox_dir):
    editor = make_staff("mei", "editor")
    SubscriberFactory(email="hk-reader@example.com", language="zh-Hant-HK")
    edition = sample_edition
    log_in(page, live_server, "mei")

    # Today's edition, from the edition list.
    page.goto(live_server.url + "/admin/digest/edition/")
    page.click("text=今日一期")  # the browser asks for zh-TW: "Today's edition"
    page.wait_for_url(f"**/admin/digest/edition/{edition.pk}/curate/")
    before = order(edition)

    # Feature the third paper: it leads the email.
    page.locator(f"#entry-{before[2]} [data-action=feature]").click()
    page.wait_for_load_state()
    assert order(edition)[0] == before[2]
    assert page.locator("tr.entry").first.get_attribute("id") == f"entry-{before[2]}"

    # Move the (now) third paper down one place with the no-JS button.
    third = order(edition)[2]
    page.locator(f"#entry-{third} [data-action=down]").click()
    page.wait_for_load_state()
    assert order(edition)[3] == third

    # A note under the featured paper.
    page.locator(f"#entry-{before[2]} textarea[name=note]").fill("编辑推荐：方法简单，效果显著。")
    page.locator(f"#entry-{before[2]} .note button").click()
    page.wait_for_load_state()
    assert EditionEntry.objects.get(pk=before[2]).note == "编辑推荐：方法简单，效果显著。"
    screenshot(page, "edition-page")

    # Fix the featured paper's translation.
    featured = EditionEntry.objects.select_related("paper").get(pk=before[2])
    page.locator(f"#entry-{featured.pk} [data-testid=edit-translation]").click()
    page.fill("#t-title", FIXED_TITLE)
    page.click("[data-testid=save-translation]")
    page.wait_for_load_state()
    assert "編輯版本" in page.locator("[data-testid=translation-state]").inner_text()
    assert Translation.objects.get(paper=featured.paper, by_editor=True).title == FIXED_TITLE
    hk_title = convert(FIXED_TITLE, "zh-Hant-HK")
    assert hk_title != FIXED_TITLE
    assert page.locator("[data-variant=zh-Hant-HK] .t-title").inner_text() == hk_title
    screenshot(page, "translation-page")

    # Preview the Hong Kong variant: the fixed title, converted, leads the email (desktop and mobile).
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/preview/")
    page.select_option("#lang", "zh-Hant-HK")
    page.click("[data-testid=show-preview]")
    page.wait_for_load_state()
    desktop = page.frame_locator("[data-testid=preview-desktop]")
    assert hk_title in desktop.locator(".paper").first.inner_text()
    assert hk_title in page.frame_locator("[data-testid=preview-mobile]").locator("body").inner_text()
    assert hk_title in page.locator("[data-testid=preview-text]").inner_text()
    screenshot(page, "preview-zh-Hant-HK")

    # A test to the editor's own address, through the configured backend (the outbox).
    page.click("[data-testid=send-test]")
    page.wait_for_load_state()
    assert "已將測試郵件（zh-Hant-HK）傳送到" in page.locator(".messagelist").inner_text()
    (test_file,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(test_file.read_bytes(), policy=email.policy.default)
    assert message["To"] == editor.email
    html = message.get_body(("html",)).get_content()
    assert hk_title in html

    # Approve: the send time of 2025-05-28 is long past, so sending starts at once.
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/curate/")
    page.click("[data-testid=approve]")
    page.wait_for_load_state()
    assert "現在批准就會立即寄出" in page.locator("[data-testid=send-when]").inner_text()
    screenshot(page, "approval-confirmation")
    page.click("[data-testid=confirm-approve]")
    page.wait_for_load_state()
    edition.refresh_from_db()
    assert edition.approved_by == editor
    assert edition.status == Edition.Status.SENT
    assert Delivery.objects.get(edition=edition).status == Delivery.Status.SENT
    assert len(list(outbox_dir.glob("*.eml"))) == 2
    assert "內容已鎖定" in page.locator(".banner-frozen").inner_text()
    screenshot(page, "edition-page-sent")


def test_results_page_with_a_month_of_editions(page, live_server, sample_edition):
    make_staff("mei", "editor")
    readers = [
        SubscriberFactory(language=language)
        for language in ["zh-Hant-TW"] * 6 + ["zh-Hant-HK"] * 3 + ["zh-Hans"] * 2 + ["en"] * 2
    ]
    editions = [sample_edition] + [EditionFactory(date=DAY - datetime.timedelta(days=n)) for n in range(1, 30)]
    paper_urls = [e.paper.abs_url for e in sample_edition.entries.select_related("paper")[:5]]
    event = 0
    for index, edition in enumerate(editions):
        for number, reader in enumerate(readers[: 8 + index % 6]):
            delivery = Delivery.objects.create(
                edition=edition, subscriber=reader, status="sent", language=reader.language
            )
            kinds = ["delivered"] + (["opened"] if number % 2 == 0 else []) + (["clicked"] if number % 3 == 0 else [])
            kinds += ["bounced"] if number == 7 else []
            for kind in kinds:
                event += 1
                url = paper_urls[number % len(paper_urls)] if kind == "clicked" else ""
                EmailEvent.objects.create(event_id=f"e{event}", event_type=kind, delivery=delivery, url=url)
    Edition.objects.filter(pk__in=[e.pk for e in editions]).update(status="sent")
    log_in(page, live_server, "mei")
    page.goto(live_server.url + f"/admin/digest/edition/{sample_edition.pk}/results/")
    assert page.locator("[data-testid=recipients]").inner_text() == "8"
    # The first eight readers: six in Taiwan, two in Hong Kong.
    assert page.locator("[data-testid=by-variant] tr[data-language=zh-Hant-HK] td").nth(1).inner_text() == "2"
    assert page.locator("[data-testid=by-variant] tr[data-language=zh-Hant-TW] td").nth(1).inner_text() == "6"
    assert page.locator("[data-testid=top-papers] tbody tr").count() == 3
    assert page.locator("[data-testid=chart] rect").count() == 90
    screenshot(page, "results-page")


def test_edition_page_reads_in_traditional_chinese(page, live_server, sample_edition):
    """The browser asks for zh-TW: the edition page's own text is Taiwan's Traditional Chinese (paper
    titles, authors and topic names are data and stay as they are)."""
    make_staff("mei", "editor")
    log_in(page, live_server, "mei")
    page.goto(live_server.url + f"/admin/digest/edition/{sample_edition.pk}/curate/")
    assert page.locator("[data-testid=approve]").inner_text() == "批准本期"
    assert page.locator("#candidates").inner_text() == "查詢要加入的論文"
    assert "本期共 12 篇可寄給讀者。" in page.locator(".curate-bar .summary").inner_text()
    header = page.locator(".edition-head").inner_text()
    assert "草稿" in header and "預覽與測試" in header and "draft" not in header
    first = page.locator("tr.entry").first
    assert "設為精選" in first.locator("td.actions").inner_text() and "儲存按語" in first.inner_text()
    screenshot(page, "edition-page-zh-tw")
    page.screenshot(path=str(SCREENSHOTS / "edition-page-zh-tw-top.png"))
    page.locator(".candidate-search").screenshot(path=str(SCREENSHOTS / "edition-page-zh-tw-search.png"))
