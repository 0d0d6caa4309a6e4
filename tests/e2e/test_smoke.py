"""The browser set-up itself works: Chromium renders the subscribe page served by the live server."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_subscribe_page_renders_in_chromium(page, live_server, topics):
    page.goto(live_server.url + "/")
    assert page.locator("form input[type=email]").count() == 1
    assert screenshot(page, "subscribe-smoke").stat().st_size > 1000
