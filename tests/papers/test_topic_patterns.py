"""Editors' keyword patterns run on an engine without backtracking (RE2) and are checked with it on save."""

import subprocess
import sys

import pytest
from django.conf import settings

from digest.models import Topic
from digest.papers.classify import matching_topics
from digest.papers.topic_patterns import InvalidPatterns, lines_to_patterns
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


CATASTROPHIC = """
import django
django.setup()
from digest.models import Paper, Topic
from digest.papers.classify import matching_topics
topic = Topic(slug="hang", keywords=[r"^(\\w+\\s?)*$"], arxiv_categories=[])
print(matching_topics(Paper(title="x!", abstract="a" * 60 + "!", categories=[]), [topic]))
"""


def test_a_catastrophic_pattern_does_not_hang_classification():
    # In a process of its own: a backtracking engine needs ~2^60 steps here and never gives the GIL back.
    try:
        result = subprocess.run(
            [sys.executable, "-c", CATASTROPHIC], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("classification with ^(\\w+\\s?)*$ did not finish")
    assert result.stdout.strip() == "[]", result.stderr


def test_patterns_still_match_case_insensitively_as_words():
    topic = Topic.objects.create(slug="t-llm", name_en="LLM", name_zh="大模型", keywords=[r"\bllms?\b", "diffusion"])
    assert matching_topics(PaperFactory.build(title="Scaling LLMs", abstract=""), [topic]) == [topic]
    assert matching_topics(PaperFactory.build(title="Small llmish things", abstract=""), [topic]) == []


@pytest.mark.parametrize("pattern", [r"(?<!self-)supervised", r"(\w)\1"])
def test_a_pattern_the_engine_cannot_run_is_refused_on_save_with_its_line(pattern):
    with pytest.raises(InvalidPatterns) as error:
        lines_to_patterns(f"fine\n{pattern}")
    assert str(error.value).startswith("line 2:") and "not a valid regular expression" in str(error.value)


def test_a_stored_pattern_the_engine_cannot_run_is_skipped_not_fatal():
    topic = Topic.objects.create(slug="old", name_en="Old", name_zh="旧", keywords=[r"(?<!x)vision", "vision"])
    assert matching_topics(PaperFactory.build(title="Vision models", abstract=""), [topic]) == [topic]
