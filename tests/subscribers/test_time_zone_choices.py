"""Time zones are offered as a short list by region, named by cities in the page's language, with a default that
follows the language the reader signs up in; any IANA zone a reader already has stays offered and valid."""

from __future__ import annotations

import re

import pytest

from subscribers.forms import PreferencesForm
from subscribers.time_zones import LISTED

pytestmark = pytest.mark.django_db


def offered(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="time_zone".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select)


def selected(html: str) -> str:
    select = re.search(r'<select[^>]*name="time_zone".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected', select).group(1)


def test_the_sign_up_page_offers_a_short_list_without_factory_or_localtime(client, topics):
    zones = offered(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode())
    assert 20 <= len(zones) <= 40
    assert "Factory" not in zones and "localtime" not in zones and "Asia/Taipei" in zones


DEFAULTS = [("zh-TW", "Asia/Taipei"), ("zh-HK", "Asia/Hong_Kong"), ("zh-CN", "Asia/Shanghai"), ("en", "UTC")]


@pytest.mark.parametrize(("accept", "zone"), DEFAULTS)
def test_the_default_zone_follows_the_page_language(client, topics, accept, zone):
    assert selected(client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()) == zone


def test_zones_are_named_by_cities_in_the_page_language(client, topics):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-HK").content.decode()
    assert ">悉尼</option>" in html and '<optgroup label="歐洲">' in html


def test_a_readers_own_unlisted_zone_is_still_offered_and_selected():
    assert "Asia/Kathmandu" not in LISTED
    form = PreferencesForm(initial={"time_zone": "Asia/Kathmandu", "language": "en"})
    html = str(form["time_zone"])
    assert selected(html) == "Asia/Kathmandu"


def test_any_iana_zone_is_accepted_and_a_made_up_one_refused(topics):
    data = {"language": "en", "max_papers": 5, "delivery_hour": 7, "frequency": "daily"}
    assert PreferencesForm({**data, "time_zone": "Asia/Kathmandu"}).is_valid()
    assert not PreferencesForm({**data, "time_zone": "Mars/Olympus"}).is_valid()
