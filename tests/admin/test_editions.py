"""The edition pages in the admin, through Django's test client, for each role."""

import datetime
import email
import email.policy

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from digest.models import Edition, EditionEntry, SiteSettings, Translation
from tests.admin_users import make_staff
from tests.factories import (
    EditionEntryFactory,
    EditionFactory,
    PaperFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(make_staff("boss", "admin"))
    return client


def url(name, *args):
    return reverse(f"admin:digest_edition_{name}", args=args)


def entries(edition):
    return list(EditionEntry.objects.filter(edition=edition).order_by("-featured", "position", "pk"))


@pytest.mark.parametrize("name", ["curate", "preview", "results"])
def test_anonymous_is_sent_to_the_login_page(client, edition, name):
    response = client.get(url(name, edition.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_role_may_not_see_editions(client, edition):
    client.force_login(make_staff("nobody", None))
    assert client.get(url("curate", edition.pk)).status_code == 403


def test_edition_page_lists_the_papers_with_their_translation_state(editor_client, edition):
    response = editor_client.get(url("curate", edition.pk))
    assert response.status_code == 200
    for entry in entries(edition):
        assert entry.paper.title in response.text
    assert "test-model" in response.text  # which model translated it


def test_paper_titles_are_escaped_on_the_edition_page(editor_client, edition):
    EditionEntryFactory(edition=edition, paper=PaperFactory(title="<img src=x onerror=alert(1)>"))
    response = editor_client.get(url("curate", edition.pk))
    assert "<img src=x onerror=alert(1)>" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_editor_features_a_paper_and_it_is_logged(editor_client, edition):
    last = entries(edition)[-1]
    response = editor_client.post(url("curate", edition.pk), {"action": "feature", "entry": last.pk})
    assert response.status_code == 302
    assert entries(edition)[0] == last and entries(edition)[0].featured
    assert LogEntry.objects.filter(object_id=str(edition.pk), change_message=f"Featured {last.paper.arxiv_id}").exists()


def test_editor_moves_excludes_and_annotates(editor_client, edition):
    first, second, third = entries(edition)
    editor_client.post(url("curate", edition.pk), {"action": "down", "entry": first.pk})
    editor_client.post(url("curate", edition.pk), {"action": "exclude", "entry": third.pk})
    editor_client.post(url("curate", edition.pk), {"action": "note", "entry": second.pk, "note": "必读"})
    order = entries(edition)
    assert order[:2] == [second, first]
    assert EditionEntry.objects.get(pk=third.pk).excluded
    assert EditionEntry.objects.get(pk=second.pk).note == "必读"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "feature", "entry": "not-a-number"},
        {"action": "feature", "entry": "999999"},
        {"action": "feature"},
        {"action": "launch-rockets"},
        {"action": "add", "arxiv_id": "<script>"},
        {"action": "add_candidate", "paper": "x"},
    ],
)
def test_bad_input_is_a_message_not_an_error(editor_client, edition, data):
    response = editor_client.post(url("curate", edition.pk), data, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_entry_of_another_edition_cannot_be_changed_through_this_one(editor_client, edition):
    other = EditionEntryFactory(edition=EditionFactory(date=datetime.date(2025, 5, 29)))
    editor_client.post(url("curate", edition.pk), {"action": "feature", "entry": other.pk})
    assert not EditionEntry.objects.get(pk=other.pk).featured


def test_unknown_edition_is_a_404(editor_client):
    assert editor_client.get(url("curate", 987654)).status_code == 404


def test_drag_and_drop_order_is_saved(editor_client, edition):
    first, second, third = entries(edition)
    response = editor_client.post(url("reorder", edition.pk), {"order": f"{third.pk},{first.pk},{second.pk}"})
    assert response.json() == {"ok": True}
    assert entries(edition) == [third, first, second]


@pytest.mark.parametrize("order", ["", "a,b", "1,,x"])
def test_garbled_order_is_refused(editor_client, edition, order):
    assert editor_client.post(url("reorder", edition.pk), {"order": order}).status_code == 400


def test_approved_edition_refuses_changes_with_a_message(editor_client, edition):
    Edition.objects.filter(pk=edition.pk).update(status="approved")
    first = entries(edition)[0]
    response = editor_client.post(url("curate", edition.pk), {"action": "exclude", "entry": first.pk}, follow=True)
    assert "frozen" in response.text
    assert not EditionEntry.objects.get(pk=first.pk).excluded


def test_editor_approves_and_the_approval_is_recorded(editor_client, edition, settings):
    settings.DAILY_RUN_HOUR, settings.DAILY_RUN_MINUTE = 23, 59
    Edition.objects.filter(pk=edition.pk).update(date=datetime.date.today() + datetime.timedelta(days=1))
    response = editor_client.post(url("approval", edition.pk), {"action": "approve", "confirmed": "1"}, follow=True)
    edition.refresh_from_db()
    assert edition.status == "approved" and edition.approved_by.username == "mei"
    assert "goes out with the daily run" in response.text
    assert LogEntry.objects.filter(object_id=str(edition.pk), change_message__startswith="Approved").exists()


def test_editor_unapproves(editor_client, edition):
    Edition.objects.filter(pk=edition.pk).update(status="approved")
    editor_client.post(url("approval", edition.pk), {"action": "unapprove"})
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_approving_a_sent_edition_is_a_message(editor_client, edition):
    Edition.objects.filter(pk=edition.pk).update(status="sent")
    response = editor_client.post(url("approval", edition.pk), {"action": "approve", "confirmed": "1"}, follow=True)
    assert "cannot become approved" in response.text


def test_banner_when_a_due_edition_waits_for_approval(editor_client, edition):
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    response = editor_client.get(url("curate", edition.pk))  # 2025-05-28 is long past its send time
    assert 'data-testid="approval-banner"' in response.text


def test_no_banner_when_approval_is_not_required(editor_client, edition):
    assert 'data-testid="approval-banner"' not in editor_client.get(url("curate", edition.pk)).text


def test_approving_a_due_edition_sends_it(editor_client, edition, outbox_dir, django_capture_on_commit_callbacks):
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    SubscriberFactory(email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("approval", edition.pk), {"action": "approve", "confirmed": "1"}, follow=True)
    assert "sending has started" in response.text
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_preview_shows_the_hong_kong_variant_and_text_part(editor_client, edition):
    response = editor_client.get(url("preview", edition.pk), {"lang": "zh-Hant-HK"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert "大型語言模型" in preview.html and "大型語言模型" in preview.text
    assert 'sandbox="allow-popups' in response.text and "srcdoc=" in response.text


def test_the_preview_header_names_the_paper_count_once(editor_client, edition):
    response = editor_client.get(url("preview", edition.pk), {"lang": "zh-Hant-TW"}, HTTP_ACCEPT_LANGUAGE="zh-TW")
    header = response.text.split('data-testid="preview-subject"', 1)[1].split("</p>", 1)[0]
    count = response.context["preview"].paper_count
    assert header.count(f"{count} 篇") == 1, header


def test_preview_with_topics_no_paper_matches_explains_why(editor_client, edition, topics):
    response = editor_client.get(url("preview", edition.pk), {"lang": "en", "topics": ["robotics"]})
    assert "no paper of this edition matches" in response.text


@pytest.mark.parametrize("query", [{"lang": "klingon"}, {"max": "-3"}, {"max": "lots"}, {"topics": "nope"}])
def test_preview_with_junk_parameters_is_not_an_error(editor_client, edition, query):
    assert editor_client.get(url("preview", edition.pk), query).status_code == 200


def test_test_send_goes_to_the_editors_own_address(editor_client, edition, outbox_dir):
    response = editor_client.post(url("test_send", edition.pk), {"lang": "zh-Hant-TW"})
    assert response.status_code == 302
    (message,) = outbox_dir.glob("*.eml")
    parsed = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "mei@example.org"
    assert str(parsed["Subject"]).strip().startswith("[TEST] ")
    assert not edition.deliveries.exists()  # a test is not a delivery


def test_editor_saves_a_translation_and_it_is_logged(editor_client, edition):
    paper = entries(edition)[0].paper
    editor_client.post(
        url("translation", edition.pk, paper.pk), {"action": "save", "title": "编辑的标题", "abstract": "编辑的摘要"}
    )
    stored = Translation.objects.get(paper=paper, by_editor=True)
    assert (stored.title, stored.model) == ("编辑的标题", "editor")
    page = editor_client.get(url("translation", edition.pk, paper.pk)).text
    assert "編輯的標題" in page  # the Traditional columns show the converted text
    assert LogEntry.objects.filter(change_message__startswith="Saved the editor's translation").count() == 2


def test_retranslate_without_translator_is_a_clear_message(editor_client, edition, settings):
    settings.TRANSLATOR_BASE_URL = settings.TRANSLATOR_MODEL = ""
    paper = entries(edition)[0].paper
    response = editor_client.post(url("translation", edition.pk, paper.pk), {"action": "retranslate"}, follow=True)
    assert "No translator is configured" in response.text


def test_translation_page_of_a_paper_outside_the_edition_is_a_404(editor_client, edition):
    assert editor_client.get(url("translation", edition.pk, PaperFactory().pk)).status_code == 404


def test_results_page_renders_for_an_edition_without_deliveries(editor_client, edition):
    response = editor_client.get(url("results", edition.pk))
    assert response.status_code == 200 and "<svg" in response.text


def test_change_view_goes_to_the_edition_page(editor_client, edition):
    response = editor_client.get(reverse("admin:digest_edition_change", args=[edition.pk]))
    assert response["Location"] == url("curate", edition.pk)


def test_today_redirects_to_the_newest_edition(editor_client, edition):
    PaperFactory(announced_on=edition.date)
    assert editor_client.get(url("today"))["Location"] == url("curate", edition.pk)


def test_today_builds_the_edition_when_there_is_none(editor_client):
    PaperFactory(announced_on=datetime.date(2025, 6, 2))
    assert "Build the edition" in editor_client.get(url("today")).text
    response = editor_client.post(url("today"))
    built = Edition.objects.get(date=datetime.date(2025, 6, 2))
    assert response["Location"] == url("curate", built.pk)


CONFIRMED = {"action": "approve", "confirmed": "1"}


def test_the_first_approve_click_shows_what_will_go_out_and_sends_nothing(editor_client, edition, outbox_dir):
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", max_papers=2)
    SubscriberFactory(email="hk@example.com", language="zh-Hant-HK", max_papers=3)
    response = editor_client.post(url("approval", edition.pk), {"action": "approve"})
    edition.refresh_from_db()
    assert edition.status == "draft"
    assert not outbox_dir.exists() or not list(outbox_dir.glob("*.eml"))
    forecast = response.context["forecast"]
    assert forecast.readers == 2
    assert [(v.language, v.readers, v.most_papers) for v in forecast.variants] == [
        ("zh-Hant-TW", 1, 2),
        ("zh-Hant-HK", 1, 3),
    ]
    assert 'data-testid="confirm-approve"' in response.text
    assert "approving sends it now" in response.text  # 2025-05-28 is long past its send time
    assert "2 readers get 2–3 papers each." in response.text


def test_the_confirmation_warns_when_most_papers_are_still_in_english(editor_client, edition):
    SubscriberFactory(language="zh-Hant-TW")
    Translation.objects.filter(paper__edition_entries__edition=edition).delete()
    response = editor_client.post(url("approval", edition.pk), {"action": "approve"})
    assert response.context["forecast"].warn_untranslated
    assert 'data-testid="untranslated-warning"' in response.text


def test_the_confirmation_does_not_warn_when_papers_are_translated(editor_client, edition):
    SubscriberFactory(language="zh-Hant-TW")
    forecast = editor_client.post(url("approval", edition.pk), {"action": "approve"}).context["forecast"]
    assert forecast.untranslated == 0 and not forecast.warn_untranslated


def test_the_curate_page_says_how_many_papers_readers_actually_get(editor_client, edition):
    SubscriberFactory(email="a@example.com", max_papers=1)
    SubscriberFactory(email="b@example.com", max_papers=2)
    response = editor_client.get(url("curate", edition.pk))
    assert "Its 2 readers get 1–2 of them each (their topics and size)." in response.text


def test_the_curate_page_shows_each_papers_chinese_title_in_the_editors_variant(editor_client, edition):
    paper = entries(edition)[0].paper
    Translation.objects.filter(paper=paper).update(title="大模型的检索增强")
    response = editor_client.get(url("curate", edition.pk), HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert "檢索增強" in response.text and 'data-testid="chinese-title"' in response.text


def test_the_curate_page_says_which_readers_each_paper_is_in_for(editor_client, edition, topics):
    paper = entries(edition)[0].paper
    paper.topics.set([topics["speech-audio"]])
    for address in ("s1@example.com", "s2@example.com"):
        SubscriberFactory(email=address).topics.set([topics["speech-audio"]])
    response = editor_client.get(url("curate", edition.pk))
    assert "for the 2 readers of Speech" in response.text
