"""Re-translating from the admin: the request only queues it; the workers ask the model and the pages show
what is pending and why the last attempt failed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from digest import tasks
from digest.editions.editor_translations import save_editor_translation
from digest.models import Paper, Translation, TranslationFailure
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    entry = EditionEntryFactory(edition=EditionFactory())
    TranslationFactory(paper=entry.paper)
    return entry


def translation_url(entry) -> str:
    return reverse("admin:digest_edition_translation", args=[entry.edition_id, entry.paper_id])


def curate_url(entry) -> str:
    return reverse("admin:digest_edition_curate", args=[entry.edition_id])


def ask_to_retranslate(client, entry, capture, *, run: bool):
    """Posts the button; with run=False the on-commit task is captured and never started."""
    with capture(execute=run) as callbacks:
        response = client.post(translation_url(entry), {"action": "retranslate"}, follow=True)
    return response, callbacks


def test_retranslate_button_queues_a_task_and_calls_no_model_in_the_request(
    editor_client, entry, translator_settings, django_capture_on_commit_callbacks
):
    response, callbacks = ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=False)
    assert len(callbacks) == 1
    assert translator_settings.requests == []
    assert f"Re-translation of {entry.paper.arxiv_id} queued" in response.text
    assert Paper.objects.get(pk=entry.paper_id).retranslation_requested_at is not None


def test_edition_page_shows_which_papers_wait_for_a_retranslation(
    editor_client, entry, translator_settings, django_capture_on_commit_callbacks
):
    other = EditionEntryFactory(edition=entry.edition)
    ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=False)
    page = editor_client.get(curate_url(entry)).text
    assert page.count('data-testid="retranslation-pending"') == 1
    assert "1 re-translation queued" in page
    assert page.index(entry.paper.title) < page.index("re-translation queued ") < page.index(other.paper.title)


def test_translation_page_says_a_retranslation_is_queued(
    editor_client, entry, translator_settings, django_capture_on_commit_callbacks
):
    ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=False)
    assert "A re-translation was queued" in editor_client.get(translation_url(entry)).text


def test_queued_task_stores_the_models_new_translation(
    editor_client, entry, translator_settings, django_capture_on_commit_callbacks
):
    ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=True)
    paper = Paper.objects.get(pk=entry.paper_id)
    assert paper.current_translation().model == "loopback-model"
    assert len(translator_settings.requests) == 1
    assert paper.retranslation_requested_at is None
    assert 'data-testid="retranslation-pending"' not in editor_client.get(curate_url(entry)).text


def test_failed_retranslation_shows_its_reason_and_keeps_the_old_text(
    editor_client, entry, settings, django_capture_on_commit_callbacks
):
    with LoopbackServer(lambda request: Reply(status=401, body={"error": "bad key"})) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url + "/v1", "m"
        ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=True)
    page = editor_client.get(curate_url(entry)).text
    assert "last re-translation failed: translator answered HTTP 401" in page
    assert entry.paper.current_translation().model == "test-model"
    assert Paper.objects.get(pk=entry.paper_id).retranslation_requested_at is None


def test_queued_retranslation_never_replaces_the_editors_translation(translator_settings, entry):
    save_editor_translation(entry.paper, "编辑的标题", "编辑的摘要")
    tasks.retranslate_paper.delay(entry.paper_id)
    assert entry.paper.current_translation().title == "编辑的标题"
    assert Translation.objects.filter(paper=entry.paper, model="loopback-model", by_editor=False).exists()


def test_retranslation_of_a_paper_approved_after_queuing_is_refused_with_a_reason(translator_settings, entry):
    entry.edition.status = "approved"
    entry.edition.save()
    assert tasks.retranslate_paper.delay(entry.paper_id).get() is False
    assert translator_settings.requests == []
    assert "un-approve it" in TranslationFailure.objects.get(paper=entry.paper).reason


def test_retranslation_request_for_a_frozen_paper_is_refused_on_the_spot(
    editor_client, entry, translator_settings, django_capture_on_commit_callbacks
):
    entry.edition.status = "approved"
    entry.edition.save()
    response, callbacks = ask_to_retranslate(editor_client, entry, django_capture_on_commit_callbacks, run=False)
    assert callbacks == [] and "un-approve it" in response.text


def test_a_retranslation_records_its_requests_for_the_usage_page(translator_settings, entry):
    from digest.models import TranslationRequest

    tasks.retranslate_paper.delay(entry.paper_id)
    (request,) = TranslationRequest.objects.filter(paper=entry.paper)
    assert (request.status, request.model) == ("ok", "loopback-model")
    assert request.prompt_tokens > 0 and request.completion_tokens > 0


def test_a_retranslation_gives_the_model_the_glossary_terms_the_paper_uses(translator_settings, entry):
    import json

    from digest.models import GlossaryTerm

    word = entry.paper.title.split()[0]
    GlossaryTerm.objects.create(term=word, zh_hans="术语甲")
    tasks.retranslate_paper.delay(entry.paper_id)
    prompt = json.dumps(translator_settings.requests[-1].json(), ensure_ascii=False)
    assert "术语甲" in prompt


def test_a_retranslation_whose_task_was_lost_is_forgotten_with_a_reason(entry, time_machine):
    from digest.editions.editor_translations import forget_lost_retranslations

    time_machine.move_to("2025-05-28 09:00 +08:00")
    Paper.objects.filter(pk=entry.paper_id).update(retranslation_requested_at=timezone.now())
    time_machine.move_to("2025-05-28 09:30 +08:00")
    assert forget_lost_retranslations() == 0  # still within the hour a slow model may take
    time_machine.move_to("2025-05-28 10:01 +08:00")
    assert forget_lost_retranslations() == 1
    assert Paper.objects.get(pk=entry.paper_id).retranslation_requested_at is None
    assert "queued at 2025-05-28 09:00 never ran" in TranslationFailure.objects.get(paper=entry.paper).reason


def test_the_beat_looks_for_lost_retranslations():
    from newsletter.celery import app

    app.loader.import_default_modules()
    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "digest.tasks.forget_lost_retranslations" in tasks_scheduled
