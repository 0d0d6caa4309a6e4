"""Curation of papers: adding one by arXiv id (fetched through the arXiv API) and fixing translations."""

import pytest

from digest.editions.curation import CurationError, add_paper_by_arxiv_id
from digest.editions.editor_translations import discard_editor_translation, retranslate, save_editor_translation
from digest.editions.lifecycle import EditionFrozen
from digest.models import Paper, Translation, TranslationFailure
from digest.papers.arxiv_lookup import ArxivLookupError, normalize_arxiv_id
from digest.translation.stored import store_translation
from digest.translation.translators import TranslatedText
from digest.translation.variants import localize
from tests.conftest import sample
from tests.factories import EditionEntryFactory, EditionFactory, PaperFactory, TranslationFactory
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db

EMPTY_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title><id>x</id>
<updated>2025-05-28T00:00:00Z</updated></feed>"""


@pytest.fixture
def arxiv_api(settings):
    """A loopback arXiv API answering with the shipped query result (which holds 2505.14970)."""

    def answer(request):
        if "2505.14970" in request.path:
            return Reply(body=sample("arxiv_api_query.xml"), headers={"Content-Type": "application/atom+xml"})
        return Reply(body=EMPTY_FEED, headers={"Content-Type": "application/atom+xml"})

    with LoopbackServer(answer) as server:
        settings.ARXIV_API_URL = server.url + "/api/query"
        yield server


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2505.14970", "2505.14970"),
        (" arXiv:2505.14970v2 ", "2505.14970"),
        ("https://arxiv.org/abs/2505.14970", "2505.14970"),
        ("cs/0112017", "cs/0112017"),
    ],
)
def test_arxiv_ids_are_normalized(text, expected):
    assert normalize_arxiv_id(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "2505", "'; DROP TABLE", "2505.14970&x=1"])
def test_anything_else_is_not_an_arxiv_id(text):
    with pytest.raises(ArxivLookupError):
        normalize_arxiv_id(text)


def test_a_paper_is_fetched_through_the_arxiv_api_and_added(arxiv_api, topics):
    edition = EditionFactory()
    EditionEntryFactory(edition=edition, position=0)
    entry = add_paper_by_arxiv_id(edition, "2505.14970")
    assert entry.paper.title == "Self-Evolving Curriculum for LLM Reasoning"
    assert entry.position == 1
    assert entry.paper.topics.exists()  # classified on the spot
    request = arxiv_api.requests[0]
    assert request.path.startswith("/api/query?") and "id_list=2505.14970" in request.path


def test_a_paper_we_have_is_added_without_asking_arxiv(arxiv_api):
    paper = PaperFactory(arxiv_id="2505.11111")
    entry = add_paper_by_arxiv_id(EditionFactory(), "2505.11111")
    assert entry.paper == paper
    assert arxiv_api.requests == []


def test_adding_twice_keeps_one_entry(arxiv_api, topics):
    edition = EditionFactory()
    add_paper_by_arxiv_id(edition, "2505.14970")
    add_paper_by_arxiv_id(edition, "arXiv:2505.14970v1")
    assert edition.entries.count() == 1


def test_unknown_id_is_a_clear_error(arxiv_api):
    with pytest.raises(CurationError, match=r"arXiv has no paper 2501\.00001"):
        add_paper_by_arxiv_id(EditionFactory(), "2501.00001")
    assert not Paper.objects.exists()


def test_arxiv_api_down_is_a_clear_error(settings):
    with LoopbackServer(lambda request: Reply(status=503)) as server:
        settings.ARXIV_API_URL = server.url + "/api/query"
        with pytest.raises(CurationError, match="HTTP 503"):
            add_paper_by_arxiv_id(EditionFactory(), "2505.14970")


def test_adding_to_an_approved_edition_is_refused(arxiv_api):
    with pytest.raises(EditionFrozen):
        add_paper_by_arxiv_id(EditionFactory(status="approved"), "2505.14970")
    assert arxiv_api.requests == []


def test_editor_translation_becomes_current_and_marked():
    model_text = TranslationFactory()
    edited = save_editor_translation(model_text.paper, "规模定律：更好的标题", "编辑修订的摘要。")
    assert model_text.paper.current_translation() == edited
    assert edited.by_editor and edited.model == "editor"


def test_saving_again_updates_the_one_editor_version():
    paper = PaperFactory()
    save_editor_translation(paper, "第一稿", "摘要")
    save_editor_translation(paper, "第二稿", "摘要")
    assert Translation.objects.filter(paper=paper, by_editor=True).get().title == "第二稿"


def test_editor_translation_survives_a_new_model_translation():
    paper = PaperFactory()
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    store_translation(paper, TranslatedText("模型的新标题", "模型的新摘要"), model="newer-model", prompt_version="v9")
    paper = Paper.objects.prefetch_related("translations").get(pk=paper.pk)
    assert paper.current_translation().title == "编辑的标题"
    assert localize(paper, "zh-Hant-HK").title == "編輯的標題"


def test_editor_translation_survives_retranslate(translator_settings):
    paper = PaperFactory()
    TranslationFactory(paper=paper, model="loopback-model", prompt_version="old")
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    new = retranslate(paper)
    assert new.model == "loopback-model" and not new.by_editor
    assert paper.current_translation().title == "编辑的标题"


def test_retranslate_replaces_the_model_answer(translator_settings):
    paper = PaperFactory()
    first = retranslate(paper)
    second = retranslate(paper)
    assert not Translation.objects.filter(pk=first.pk).exists()
    assert paper.current_translation() == second
    assert len(translator_settings.requests) == 2


def test_retranslate_without_a_translator_says_how_to_configure_one(settings):
    settings.TRANSLATOR_BASE_URL = settings.TRANSLATOR_MODEL = ""
    with pytest.raises(CurationError, match="TRANSLATOR_BASE_URL"):
        retranslate(PaperFactory())


def test_failed_retranslation_is_recorded_with_its_reason(settings):
    with LoopbackServer(lambda request: Reply(status=401, body={"error": "bad key"})) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url + "/v1", "m"
        paper = PaperFactory()
        with pytest.raises(CurationError, match="HTTP 401"):
            retranslate(paper)
    assert TranslationFailure.objects.get(paper=paper).reason == "translator answered HTTP 401"


def test_discarding_the_editor_version_brings_back_the_model_text():
    model_text = TranslationFactory()
    save_editor_translation(model_text.paper, "编辑", "编辑")
    discard_editor_translation(model_text.paper)
    assert model_text.paper.current_translation() == model_text


def test_translation_of_a_paper_in_an_approved_edition_is_frozen():
    entry = EditionEntryFactory(edition=EditionFactory(status="approved"))
    with pytest.raises(EditionFrozen):
        save_editor_translation(entry.paper, "标题", "摘要")


def test_empty_title_is_refused():
    with pytest.raises(CurationError):
        save_editor_translation(PaperFactory(), "  ", "摘要")
