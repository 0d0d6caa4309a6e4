"""Pages a reader meets when something is off speak the reader's language with the site's header: a missing page,
a server error, and an unsubscribe link opened again."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from subscribers.tokens import make_token
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_404_in_the_readers_language_with_the_site_header(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    text = response.content.decode()
    assert response.status_code == 404
    assert "找不到網頁" in text and 'class="site"' in text and "Not Found" not in text


def test_a_missing_page_in_simplified_chinese(client):
    response = client.get("/archive/1999-01-01/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404 and "找不到页面" in response.content.decode()


def test_a_server_error_page_is_in_the_readers_language_with_the_site_header():
    with translation.override("zh-hk"):
        response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500 and "發生錯誤" in text and 'class="site"' in text


def test_an_unsubscribe_link_opened_again_says_already_unsubscribed_with_the_way_back(client):
    subscriber = SubscriberFactory(language="zh-Hant-TW")
    token = make_token(subscriber, "unsubscribe")
    client.post(f"/unsubscribe/{token}/")
    response = client.get(f"/unsubscribe/{token}/")
    text = response.content.decode()
    assert "你已經取消訂閱" in text
    assert "/resubscribe/" in text and "<form" in text


def test_the_archive_page_links_each_papers_pdf_as_the_email_does(client):
    from digest.models import Edition
    from tests.factories import EditionEntryFactory

    entry = EditionEntryFactory(edition__status=Edition.Status.SENT)
    page = client.get(f"/archive/{entry.edition.date:%Y-%m-%d}/?lang=zh-Hant-TW").content.decode()
    assert f'href="{entry.paper.pdf_url}">PDF</a>' in page
