"""Readers' browsers name Chinese in many ways; each lands on the variant it means."""

import pytest

from newsletter.language_tags import normalize

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept_language", "served"),
    [
        ("zh-Hant-HK,zh;q=0.9", "zh-hk"),
        ("zh-HK", "zh-hk"),
        ("zh-MO,en;q=0.5", "zh-hk"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-Hant", "zh-tw"),
        ("zh-TW,zh;q=0.9", "zh-tw"),
        ("zh-Hans-CN,zh;q=0.9", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-SG", "zh-hans"),
        ("en-GB,en;q=0.9", "en"),
    ],
)
def test_each_way_of_asking_for_chinese_gets_the_variant_it_means(client, accept_language, served):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    assert response["Content-Language"] == served


def test_q_values_and_other_languages_are_kept():
    assert normalize("en-US,zh-Hant-HK;q=0.8,fr;q=0.5") == "en-US,zh-HK;q=0.8,fr;q=0.5"
