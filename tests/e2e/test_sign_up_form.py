"""The sign-up form offers the English original only beside Chinese."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_english_original_is_offered_only_while_a_chinese_variant_is_chosen(page, live_server, topics):
    page.goto(live_server.url + "/")
    box = page.locator("input[name=bilingual]")
    page.select_option("select[name=language]", "zh-Hant-HK")
    assert box.is_visible()
    page.select_option("select[name=language]", "en")
    assert not box.is_visible()
    screenshot(page, "sign-up-english")
