"""The editors' own admin pages in Chromium: topic keywords one per line, the results page, in Chinese.

Screenshots (var/screenshots/): admin-topic-keywords, admin-topic-keywords-error.
"""

import pytest

from digest.models import Topic
from tests.admin_users import PASSWORD, make_staff
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def test_editor_edits_topic_keywords_one_per_line(page, live_server, topics):
    make_staff("mei", "editor")
    topic = Topic.objects.get(slug="vision")
    Topic.objects.filter(pk=topic.pk).update(keywords=[r"\bdiffusion\b", "text-to-image"])
    log_in(page, live_server, "mei")
    page.goto(f"{live_server.url}/admin/digest/topic/{topic.pk}/change/")
    textarea = page.locator("textarea#id_keywords")
    assert textarea.input_value() == "\\bdiffusion\\b\ntext-to-image"
    screenshot(page, "admin-topic-keywords")

    textarea.fill("\\bdiffusion\\b\n\ntext-to-image\n(unclosed")
    page.click("input[name=_continue]")
    assert "line 4: '(unclosed'" in page.locator(".errorlist").inner_text()
    screenshot(page, "admin-topic-keywords-error")

    textarea = page.locator("textarea#id_keywords")
    textarea.fill("\\bdiffusion\\b\n\ntext-to-image\nvideo generation")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    topic.refresh_from_db()
    assert topic.keywords == [r"\bdiffusion\b", "text-to-image", "video generation"]
