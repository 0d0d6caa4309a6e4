"""The admin as Taiwan and Hong Kong editors see it, at 600 px and 375 px: "Change" is 變更 (never 切換), model
names, column headers and counts are Chinese, dates read 2025年5月28日, the preview names its count once.
Screenshots: var/screenshots/admin-zh-*.png."""

import pytest

from digest.models import Edition
from tests.admin_users import PASSWORD, make_staff
from tests.e2e.conftest import screenshot
from tests.factories import EditionEntryFactory, TranslationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
VARIANTS = [(width, locale) for width in (600, 375) for locale in ("zh-TW", "zh-HK")]


@pytest.fixture
def edition():
    entry = EditionEntryFactory(edition__status=Edition.Status.SENT)
    TranslationFactory(paper=entry.paper)
    return entry.edition


def admin_page(browser, live_server, width, locale):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "mei")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


@pytest.mark.parametrize(("width", "locale"), VARIANTS)
def test_the_admin_speaks_chinese(browser, live_server, edition, width, locale):
    make_staff("mei", "superuser")
    context, page = admin_page(browser, live_server, width, locale)
    try:
        index = page.locator("#content").inner_text()
        assert "切換" not in index and "變更" in index
        assert "各期" in index and "訂閱者" in index.replace("訂閲者", "訂閱者")
        assert "\n論文\t" in index and "論文數" not in index  # the model, not a count
        assert "Editions" not in index and "SUBSCRIBERS" not in index.upper().replace("訂閱者", "")
        screenshot(page, f"admin-zh-index-{locale}-{width}")

        page.goto(f"{live_server.url}/admin/digest/edition/")
        changelist = page.locator("#content").inner_text()
        assert "2025年5月28日" in changelist or "2025-05-28" in changelist
        assert "五月 28, 2025" not in changelist and "DATE" not in changelist
        assert "1 期" in changelist  # the count, in Chinese
        screenshot(page, f"admin-zh-editions-{locale}-{width}")

        page.goto(f"{live_server.url}/admin/digest/edition/{edition.pk}/preview/?lang=zh-Hant-TW")
        header = page.locator("[data-testid=preview-subject]").locator("xpath=..").inner_text()
        assert header.count("1 篇") == 1, header
        screenshot(page, f"admin-zh-preview-{locale}-{width}")
    finally:
        context.close()
