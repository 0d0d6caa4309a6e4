"""Sources in the admin: "Fetch now" queues the fetch on the workers, and the list says when each source
was last fetched and what came of it, or the one-line reason it failed."""

import pytest
from django.urls import reverse

from digest.models import Paper, Source
from tests.admin_users import make_staff
from tests.conftest import bad, sample
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:digest_source_changelist")
ERROR_CELL = '<span class="source-error" style="color: #b3261e">✗ '


def serving(body: bytes, status: int = 200) -> LoopbackServer:
    return LoopbackServer(lambda request: Reply(status, body, {"Content-Type": "application/rss+xml"}))


def rss_source(server: LoopbackServer, slug: str = "cs-ai") -> Source:
    return Source.objects.create(slug=slug, name=f"arXiv {slug}", kind="arxiv_rss", url=server.url + "/rss")


def fetch_now(client, sources, capture, *, run: bool):
    with capture(execute=run) as callbacks:
        response = client.post(
            CHANGELIST, {"action": "fetch_now", "_selected_action": [s.pk for s in sources]}, follow=True
        )
    return response, callbacks


def test_fetch_now_queues_one_fetch_per_selected_source_and_fetches_nothing_in_the_request(
    editor_client, django_capture_on_commit_callbacks
):
    with serving(sample("arxiv_rss_cs.AI_2025-05-28.xml")) as server:
        sources = [rss_source(server, "cs-ai"), rss_source(server, "cs-cl")]
        response, callbacks = fetch_now(editor_client, sources, django_capture_on_commit_callbacks, run=False)
    assert len(callbacks) == 2
    assert server.requests == []
    assert "Fetch queued for cs-ai, cs-cl" in response.text


def test_fetched_source_shows_when_and_what_it_stored(editor_client, topics, django_capture_on_commit_callbacks):
    with serving(sample("arxiv_rss_cs.AI_2025-05-28.xml")) as server:
        source = rss_source(server)
        fetch_now(editor_client, [source], django_capture_on_commit_callbacks, run=True)
    source.refresh_from_db()
    assert Paper.objects.count() == 60
    assert source.last_fetched_at is not None and source.last_result == "60 new, 0 updated, 0 unchanged"
    assert "✓ 60 new, 0 updated, 0 unchanged" in editor_client.get(CHANGELIST).text


def test_broken_feed_shows_its_one_line_reason_in_the_list(editor_client, topics, django_capture_on_commit_callbacks):
    with serving(bad("truncated.xml")) as server:
        source = rss_source(server)
        fetch_now(editor_client, [source], django_capture_on_commit_callbacks, run=True)
    source.refresh_from_db()
    assert source.last_status == "error"
    reason = "feed is not well-formed: &lt;unknown&gt;:76:120: no element found; nothing from it was stored"
    assert f"{ERROR_CELL}{reason}</span>" in editor_client.get(CHANGELIST).text


def test_a_long_error_shows_only_its_first_line_in_the_list(editor_client):
    Source.objects.create(
        slug="x",
        name="X",
        kind="arxiv_rss",
        url="http://127.0.0.1:9/rss",
        last_status="error",
        last_error="could not parse the feed\nTraceback (most recent call last):\n  File ...",
    )
    page = editor_client.get(CHANGELIST).text
    assert f"{ERROR_CELL}could not parse the feed</span>" in page and "Traceback" not in page


def test_feed_answering_an_http_error_shows_the_status_in_the_list(
    editor_client, topics, django_capture_on_commit_callbacks
):
    with serving(b"<html>down</html>", status=503) as server:
        source = rss_source(server)
        fetch_now(editor_client, [source], django_capture_on_commit_callbacks, run=True)
    assert f"✗ HTTP 503 from {source.url}" in editor_client.get(CHANGELIST).text


def test_fetch_now_button_on_the_source_page_queues_its_fetch(editor_client, django_capture_on_commit_callbacks):
    source = Source.objects.create(slug="hf", name="HF", kind="hf_daily", url="http://127.0.0.1:9/papers")
    page = editor_client.get(reverse("admin:digest_source_change", args=[source.pk])).text
    assert 'data-testid="fetch-now"' in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor_client.post(reverse("admin:digest_source_fetch", args=[source.pk]), follow=True)
    assert len(callbacks) == 1 and "Fetch queued for hf" in response.text


def test_source_never_fetched_says_so(editor_client):
    Source.objects.create(slug="new", name="New feed", kind="arxiv_rss", url="http://127.0.0.1:9/rss")
    assert "never fetched" in editor_client.get(CHANGELIST).text


def test_staff_without_a_role_cannot_fetch_a_source(client, django_capture_on_commit_callbacks):
    client.force_login(make_staff("guest", None))
    source = Source.objects.create(slug="x", name="X", kind="arxiv_rss", url="http://127.0.0.1:9/rss")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:digest_source_fetch", args=[source.pk]))
    assert response.status_code in (403, 404) and callbacks == []
