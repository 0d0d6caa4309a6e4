"""An editor in Chromium fixes a paper's Taiwan text directly: writes the Taiwan override on the translation page,
sees it marked as the override, and finds it in the Taiwan preview and test email (the Hong Kong preview keeps
the conversion). Screenshots in var/screenshots/."""

import email
import email.policy

import pytest

from digest.models import VariantOverride
from digest.translation.variants import to_variant
from tests.admin_users import make_staff
from tests.e2e.conftest import screenshot
from tests.e2e.test_editor_morning import log_in
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SIMPLIFIED_TITLE = "通过强化学习训练的大模型推理：自我进化课程"
SIMPLIFIED_ABSTRACT = "我们提出一种自我进化课程，通过强化学习训练大模型，在数学推理基准上显著提升了性能。"
TW_TITLE = "以強化學習訓練大型模型推論：自我演進的課程"
TW_ABSTRACT = "我們提出一種自我演進的課程，以強化學習訓練大型模型，在數學推論基準上顯著提升了效能。"


def test_an_editor_writes_a_taiwan_override_and_the_taiwan_email_shows_it(page, live_server, outbox_dir):
    editor = make_staff("mei", "editor")
    edition = EditionFactory()
    paper = EditionEntryFactory(edition=edition, position=0).paper
    TranslationFactory(paper=paper, title=SIMPLIFIED_TITLE, abstract=SIMPLIFIED_ABSTRACT)
    log_in(page, live_server, "mei")

    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/papers/{paper.pk}/translation/")
    taiwan = page.locator("[data-variant=zh-Hant-TW]")
    taiwan.locator("details.override summary").click()
    page.fill("#o-title-zh-Hant-TW", TW_TITLE)
    page.fill("#o-abstract-zh-Hant-TW", TW_ABSTRACT)
    page.click("[data-testid=save-override-zh-Hant-TW]")
    page.wait_for_load_state()
    assert f"已儲存 {paper.arxiv_id} 的台灣覆寫版本" in page.locator(".messagelist").inner_text()
    assert "覆寫版本" in taiwan.locator("[data-testid=override-state]").inner_text()
    assert taiwan.locator(".t-title").inner_text() == TW_TITLE
    hong_kong = page.locator("[data-variant=zh-Hant-HK]")
    assert hong_kong.locator(".t-title").inner_text() == to_variant(SIMPLIFIED_TITLE, "zh-Hant-HK")
    assert VariantOverride.objects.get(paper=paper).created_by == editor
    screenshot(page, "translation-page-taiwan-override")

    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/preview/")
    page.select_option("#lang", "zh-Hant-TW")
    page.click("[data-testid=show-preview]")
    page.wait_for_load_state()
    desktop = page.frame_locator("[data-testid=preview-desktop]").locator(".paper").first.inner_text()
    assert TW_TITLE in desktop and TW_ABSTRACT in desktop
    screenshot(page, "preview-zh-Hant-TW-override")

    page.click("[data-testid=send-test]")
    page.wait_for_load_state()
    (test_file,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(test_file.read_bytes(), policy=email.policy.default)
    assert TW_TITLE in message.get_body(("plain",)).get_content()

    page.select_option("#lang", "zh-Hant-HK")
    page.click("[data-testid=show-preview]")
    page.wait_for_load_state()
    hong_kong_email = page.frame_locator("[data-testid=preview-desktop]").locator(".paper").first.inner_text()
    assert TW_TITLE not in hong_kong_email
    assert to_variant(SIMPLIFIED_TITLE, "zh-Hant-HK") in hong_kong_email
