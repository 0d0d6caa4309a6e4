"""A reply whose `content` is not text (a number, a list of anything but text chunks, an object, true) is a refused
reply like any other: recorded with its reason, asked again, the paper left in English; never a crash."""

import json

import pytest

from digest.models import Translation, TranslationFailure, TranslationRequest
from digest.translation import get_translator
from digest.translation.service import translate_papers
from tests.factories import PaperFactory
from tests.fakes.http import Reply
from tests.fakes.llm import completion

pytestmark = pytest.mark.django_db

CONTENTS = {
    "a number": 42,
    "a float": 1.5,
    "true": True,
    "a list of numbers": [1, 2],
    "a list of strings": ["标题", "摘要"],
    "a list of lists": [[{"type": "text", "text": "x"}]],
    "an object": {"title": "标题", "abstract": "摘要"},
    "a chunk whose text is a number": [{"type": "text", "text": 5}],
}


@pytest.mark.parametrize("shape", sorted(CONTENTS))
def test_a_reply_whose_content_is_not_text_is_refused_recorded_and_retried(serve, shape):
    def not_text(request):
        body = completion("")
        body["choices"][0]["message"]["content"] = CONTENTS[shape]
        return Reply(200, body)

    loopback = serve(not_text)
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert (run.done, run.failed) == (0, 1) and not Translation.objects.exists()
    assert len(loopback.requests) == 3  # the first request and the two retries: a refused reply is asked again
    reasons = list(TranslationRequest.objects.filter(paper=paper).values_list("reason", flat=True))
    assert len(reasons) == 3 and all("content is not text" in r for r in reasons), reasons
    failure = TranslationFailure.objects.get(paper=paper)
    assert "content is not text" in failure.reason and "unexpected" not in failure.reason
    feedback = json.dumps(loopback.requests[-1].json()["messages"][-1])
    assert "content is not text" in feedback  # the model is told why


def test_mistral_style_content_as_text_chunks_is_still_read(serve):
    from tests.fakes import llm_servers

    serve(llm_servers.mistral_magistral)
    paper = PaperFactory()
    assert translate_papers([paper], translator=get_translator()).done == 1
