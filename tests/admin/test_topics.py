"""The topic form: keyword patterns are edited one per line and stored as the same JSON list."""

import pytest

from digest.admin.topics import TopicForm
from digest.models import Topic

pytestmark = pytest.mark.django_db

PATTERNS = [
    r"\bdiffusion\b",
    "text-to-image",
    r"vision[- ]language model",  # a space inside is part of the pattern
    "扩散模型",
    r'"quoted" \d+(?:\.\d+)?',
    " leading and trailing spaces ",
]


@pytest.fixture
def topic():
    return Topic.objects.create(slug="test-vision", name_en="Vision", name_zh="视觉", keywords=PATTERNS)


def form_data(topic: Topic, keywords: str) -> dict:
    return {
        "slug": topic.slug,
        "name_en": topic.name_en,
        "name_zh": topic.name_zh,
        "description_en": "",
        "description_zh": "",
        "arxiv_categories": "[]",
        "keywords": keywords,
        "position": 0,
    }


def shown_keywords(topic: Topic) -> str:
    """The textarea's value as the browser submits it again (browsers send CRLF line breaks)."""
    return TopicForm(instance=topic)["keywords"].value().replace("\n", "\r\n")


def test_stored_patterns_are_shown_one_per_line(topic):
    html = str(TopicForm(instance=topic)["keywords"])
    assert "<textarea" in html
    assert TopicForm(instance=topic)["keywords"].value() == "\n".join(PATTERNS)


def test_lines_are_stored_as_a_json_list_with_blank_lines_ignored(topic):
    form = TopicForm(form_data(topic, "diffusion\n\n   \ntext-to-image\n"), instance=topic)
    assert form.is_valid(), form.errors
    form.save()
    topic.refresh_from_db()
    assert topic.keywords == ["diffusion", "text-to-image"]


def test_saving_the_form_unchanged_keeps_the_patterns_exactly(topic):
    form = TopicForm(form_data(topic, shown_keywords(topic)), instance=topic)
    assert form.is_valid(), form.errors
    assert "keywords" not in form.changed_data
    form.save()
    topic.refresh_from_db()
    assert topic.keywords == PATTERNS


def test_an_invalid_pattern_is_reported_with_its_line_number_and_the_pattern(topic):
    form = TopicForm(form_data(topic, "diffusion\n\n(unclosed\ntext-to-image"), instance=topic)
    assert not form.is_valid()
    [message] = form.errors["keywords"]
    assert message.startswith("line 3: '(unclosed'")
    assert "not a valid regular expression" in message


def test_every_invalid_line_is_reported_and_nothing_is_stored(topic):
    form = TopicForm(form_data(topic, "a[\nfine\n*star"), instance=topic)
    assert not form.is_valid()
    assert [message.split(":")[0] for message in form.errors["keywords"]] == ["line 1", "line 3"]
    topic.refresh_from_db()
    assert topic.keywords == PATTERNS


def test_a_pasted_json_list_is_refused_rather_than_stored_as_one_pattern(topic):
    form = TopicForm(form_data(topic, '["diffusion", "text-to-image"]'), instance=topic)
    assert not form.is_valid()
    assert "one pattern per line" in form.errors["keywords"][0]


def test_no_lines_means_no_keywords(topic):
    form = TopicForm(form_data(topic, ""), instance=topic)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["keywords"] == []
