"""Who may change what in the admin: editors curate; only admins touch sources, settings and subscribers."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from digest.models import SiteSettings, Source, Topic
from tests.admin_users import make_staff
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.create(slug="feed", name="A feed", kind="arxiv_rss", url="https://example.org/rss")


def login(client, role):
    client.force_login(make_staff(f"user-{role}", role))
    return client


def test_anonymous_is_sent_to_login_from_the_admin(client, source):
    response = client.get(reverse("admin:digest_source_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_editor_sees_sources_but_cannot_edit_them(client, source):
    login(client, "editor")
    assert client.get(reverse("admin:digest_source_changelist")).status_code == 200
    client.post(
        reverse("admin:digest_source_change", args=[source.pk]),
        {"slug": "feed", "name": "Renamed", "kind": "arxiv_rss", "url": "https://example.org/rss", "enabled": ""},
    )
    source.refresh_from_db()
    assert source.name == "A feed" and source.enabled


@pytest.mark.parametrize("role", ["admin", "superuser"])
def test_admin_disables_a_source_and_it_is_logged(client, source, role):
    login(client, role)
    response = client.post(
        reverse("admin:digest_source_changelist"), {"action": "disable", "_selected_action": [source.pk]}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.enabled
    assert LogEntry.objects.filter(object_id=str(source.pk), change_message="Disabled").exists()


def test_editor_cannot_change_site_settings(client):
    login(client, "editor")
    settings_row = SiteSettings.current()
    client.post(reverse("admin:digest_sitesettings_change", args=[settings_row.pk]), {"editions_need_approval": "on"})
    settings_row.refresh_from_db()
    assert not settings_row.editions_need_approval


def test_admin_turns_on_the_approval_gate(client):
    login(client, "admin")
    settings_row = SiteSettings.current()
    response = client.post(
        reverse("admin:digest_sitesettings_change", args=[settings_row.pk]), {"editions_need_approval": "on"}
    )
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.editions_need_approval


def test_editor_has_no_access_to_subscribers(client):
    subscriber = SubscriberFactory()
    login(client, "editor")
    assert client.get(reverse("admin:subscribers_subscriber_changelist")).status_code == 403
    assert client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk])).status_code == 403


def test_editor_edits_topic_keywords(client, topics):
    login(client, "editor")
    topic = topics["vision"]
    data = {
        "slug": topic.slug,
        "name_en": topic.name_en,
        "name_zh": topic.name_zh,
        "description_en": "",
        "description_zh": "",
        "arxiv_categories": '["cs.CV"]',
        "keywords": "diffusion\r\ntext-to-image",
        "position": 3,
    }
    response = client.post(reverse("admin:digest_topic_change", args=[topic.pk]), data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.keywords == ["diffusion", "text-to-image"]


def test_invalid_keyword_pattern_is_refused(client, topics):
    login(client, "editor")
    topic = topics["vision"]
    data = {"slug": topic.slug, "name_en": "V", "name_zh": "视觉", "arxiv_categories": "[]", "position": 1}
    response = client.post(reverse("admin:digest_topic_change", args=[topic.pk]), data | {"keywords": "(unclosed"})
    assert response.status_code == 200
    assert "not a valid regular expression" in response.text


def test_reclassify_recent_papers_applies_new_keywords(client, topics, time_machine):
    time_machine.move_to("2025-05-29 10:00 +08:00")
    paper = PaperFactory(title="Zebra stripes", abstract="", categories=["q-bio.PE"], announced_on="2025-05-28")
    Topic.objects.filter(slug="vision").update(keywords=["zebra"])
    login(client, "editor")
    response = client.post(
        reverse("admin:digest_topic_changelist"),
        {"action": "reclassify_recent_papers", "_selected_action": [topics["vision"].pk]},
    )
    assert response.status_code == 302
    assert list(paper.topics.values_list("slug", flat=True)) == ["vision"]


def test_editor_sets_paper_topics_by_hand_and_they_are_locked(client, topics):
    paper = PaperFactory(topics=[topics["llm"]])
    login(client, "editor")
    response = client.post(
        reverse("admin:digest_paper_change", args=[paper.pk]),
        {
            "topics": [topics["vision"].pk],
            "topics_locked": "",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.topics_locked and [t.slug for t in paper.topics.all()] == ["vision"]


def test_a_clicked_javascript_url_is_shown_as_text_never_as_a_link(client):
    from digest.models import EmailEvent

    EmailEvent.objects.create(event_id="x1", event_type="clicked", url="javascript:alert(1)")
    login(client, "editor")
    response = client.get(reverse("admin:digest_emailevent_changelist"))
    assert response.status_code == 200
    assert 'href="javascript:alert(1)"' not in response.text
