"""Protocol v3: the reply may carry "tldr" and "topics"; both optional, neither worth refusing a translation for."""

import pytest

from digest.models import Translation
from digest.translation import get_translator
from digest.translation.service import translate_papers
from digest.translation.variants import localize
from tests.factories import PaperFactory
from tests.translation.conftest import answer_with, scripted

pytestmark = pytest.mark.django_db

ABSTRACT = "We propose a method for aligning language models with human preferences. " * 4


def with_extras(**extras):
    return answer_with(lambda source, good: {**good, **extras})


def test_a_reply_without_topics_or_tldr_still_translates(serve, topics):
    serve()  # the good model answers {"title", "abstract"} only
    paper = PaperFactory(abstract=ABSTRACT)
    run = translate_papers([paper], translator=get_translator())
    translation = Translation.objects.get(paper=paper)
    assert run.done == 1 and translation.title and translation.abstract
    assert translation.tldr == "" and translation.topics == []


def test_tldr_and_known_topics_from_the_reply_are_stored(serve, topics):
    serve(scripted(with_extras(tldr="用人类偏好对齐语言模型的新方法。", topics=["rl-alignment", "made-up", "safety"])))
    paper = PaperFactory(abstract=ABSTRACT)
    translate_papers([paper], translator=get_translator())
    translation = Translation.objects.get(paper=paper)
    assert translation.tldr == "用人类偏好对齐语言模型的新方法。"
    assert translation.topics == ["rl-alignment", "safety"]


@pytest.mark.parametrize(
    "tldr",
    [
        "An English sentence only.",
        "We align language models with human preferences, 简单.",
        "<b>加粗</b>的摘要",
        "很长的一句话" * 40,
        42,
    ],
    ids=["not-chinese", "mostly-english", "markup", "too-long", "not-a-string"],
)
def test_an_unusable_tldr_is_dropped_and_the_translation_kept(serve, topics, tldr):
    serve(scripted(with_extras(tldr=tldr)))
    paper = PaperFactory(abstract=ABSTRACT)
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1
    assert Translation.objects.get(paper=paper).tldr == ""


def test_a_tldr_that_repeats_the_title_is_dropped(serve, topics):
    serve(scripted(answer_with(lambda source, good: {**good, "tldr": good["title"] + "。"})))
    paper = PaperFactory(abstract=ABSTRACT)
    assert translate_papers([paper], translator=get_translator()).done == 1
    assert Translation.objects.get(paper=paper).tldr == ""


def test_the_prompt_offers_the_sites_topic_slugs(serve, topics):
    server = serve()
    translate_papers([PaperFactory(abstract=ABSTRACT)], translator=get_translator())
    system = server.requests[0].json()["messages"][0]["content"]
    assert '"tldr"' in system and "- rl-alignment:" in system and "- reasoning:" in system


def test_the_tldr_is_shown_in_each_chinese_variant_through_opencc(serve, topics):
    serve(scripted(with_extras(tldr="用人类偏好对齐语言模型的新方法。")))
    paper = PaperFactory(abstract=ABSTRACT)
    translate_papers([paper], translator=get_translator())
    assert localize(paper, "zh-Hans").tldr == "用人类偏好对齐语言模型的新方法。"
    assert localize(paper, "zh-Hant-TW").tldr == "用人類偏好對齊語言模型的新方法。"
    assert localize(paper, "en").tldr == ""
