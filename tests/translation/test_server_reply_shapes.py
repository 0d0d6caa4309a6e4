"""A good translation is found in the shapes real servers send it in, on the first answer; what is not one whole,
unambiguous translation is still refused. The real client runs against loopback servers shaped like Ollama,
DeepSeek, vLLM, llama.cpp and a proxy (tests/fakes/llm_servers.py)."""

from __future__ import annotations

import json

import pytest

from digest.models import Translation, TranslationRequest
from digest.translation import TranslationError, get_translator
from digest.translation.reply_json import reply_object
from digest.translation.service import translate_papers
from digest.translation.validation import check_reply
from tests.factories import PaperFactory
from tests.fakes import llm_servers
from tests.fakes.llm_servers import REPLY_SHAPES, THINKING

GOOD = {"title": "大语言模型的推理", "abstract": "我们研究大语言模型如何推理，并给出新的评估方法与大量实验结果。"}
BODY = json.dumps(GOOD, ensure_ascii=False)
SOURCE = ("Reasoning in LLMs", "We study how LLMs reason and give a new evaluation with many experiments.")


@pytest.mark.parametrize("shape", sorted(REPLY_SHAPES))
def test_the_object_is_found_in_each_shape_real_servers_send(shape):
    assert reply_object(REPLY_SHAPES[shape](BODY)) == GOOD


def test_a_draft_with_the_required_keys_inside_the_reasoning_is_not_taken_for_the_answer():
    draft = '{"title": "草稿", "abstract": "草稿"}'
    assert reply_object(f"<think>\n先起草：{draft}\n</think>\n{BODY}") == GOOD
    assert reply_object(f"先起草：{draft}\n</think>\n\n{BODY}") == GOOD


def test_an_abstract_that_quotes_think_tags_is_not_cut_at_them():
    quoting = {"title": "思考标记", "abstract": "模型先在 <think> 与 </think> 之间推理，再给出答案。"}
    assert reply_object(json.dumps(quoting, ensure_ascii=False)) == quoting
    assert reply_object("以下是翻译：" + json.dumps(quoting, ensure_ascii=False)) == quoting


def test_an_answer_wrapped_in_an_outer_object_is_found():
    assert reply_object(json.dumps({"translation": GOOD}, ensure_ascii=False)) == GOOD


def test_an_object_inside_the_answer_does_not_make_it_ambiguous():
    nested = {**GOOD, "source": {"title": "Reasoning", "abstract": "We study."}}
    assert reply_object(json.dumps(nested, ensure_ascii=False)) == nested


def test_two_different_translations_are_refused_as_ambiguous():
    other = json.dumps({**GOOD, "title": "另一种译法"}, ensure_ascii=False)
    with pytest.raises(TranslationError, match="ambiguous"):
        reply_object(f"{BODY}\n或者：\n{other}")


@pytest.mark.parametrize(
    "content",
    [
        BODY[:-10],
        f"```json\n{BODY[:-3]}\n```",
        f"<think>\n{THINKING}</think>\n\n{BODY[: len(BODY) // 2]}",
        f"好的，以下是翻译：{BODY[:-1]}",
    ],
    ids=["bare", "fenced", "after reasoning", "after prose"],
)
def test_a_reply_cut_off_is_refused_in_any_wrapping(content):
    with pytest.raises(TranslationError, match="not JSON"):
        reply_object(content)


def test_reasoning_that_never_closes_is_refused_even_with_an_object_inside():
    with pytest.raises(TranslationError, match="only reasoning"):
        reply_object(f"<think>\n我先译一版：{BODY}\n还要再检查")


def test_an_answer_only_inside_the_reasoning_is_refused():
    with pytest.raises(TranslationError, match="not JSON"):
        reply_object(f"<think>\n{BODY}\n</think>\n\n翻译见上。")


def test_latex_copied_unescaped_into_the_json_string_is_read_as_the_source_wrote_it():
    source = (
        "Faster gradients",
        "We compute $\\nabla f$ with $\\alpha = 0.1$ and run 8$\\times$ faster on many tasks.",
    )
    raw = (
        '{"title": "更快的梯度", "abstract": "我们以 $\\alpha = 0.1$ 计算 $\\nabla f$，在多项任务上提速 8$\\times$。"}'
    )
    checked = check_reply(raw, *source)
    assert checked.abstract == "我们以 $\\alpha = 0.1$ 计算 $\\nabla f$，在多项任务上提速 8$\\times$。"


def test_json_escapes_that_are_no_macro_of_the_source_keep_their_meaning():
    raw = '{"title": "标题", "abstract": "第一段。\\n第二段，\\u5927模型，引号\\"号\\"。"}'
    assert reply_object(raw, frozenset({"times"}))["abstract"] == '第一段。\n第二段，大模型，引号"号"。'


def test_gpt_oss_reasoning_without_a_final_message_is_refused():
    with pytest.raises(TranslationError, match="only reasoning"):
        reply_object(f"<|channel|>analysis<|message|>We need to translate. {BODY}")


def test_a_wrapped_reply_still_meets_every_content_check():
    english = json.dumps({"title": SOURCE[0], "abstract": SOURCE[1]})
    with pytest.raises(TranslationError, match="echoed"):
        check_reply(f"<think>\n{THINKING}</think>\n\n```json\n{english}\n```", *SOURCE)


SERVERS = {
    "Ollama, <think> in the content": llm_servers.wrapped("Ollama <think> block first"),
    "LM Studio, lone </think> and a fence": llm_servers.wrapped("lone </think> (template opened it)"),
    "Qwen3 without JSON mode, fenced with prose": llm_servers.wrapped("<think> then a ```json fence and prose"),
    "DeepSeek reasoner, reasoning_content": llm_servers.deepseek_reasoner,
    "vLLM reasoning parser": llm_servers.vllm_reasoning_parser,
    "llama.cpp server": llm_servers.llama_cpp_server,
    "gpt-oss with its channels leaked": llm_servers.wrapped("gpt-oss channels leaked"),
    "Mistral Magistral, content as chunks": llm_servers.mistral_magistral,
}


@pytest.mark.django_db
@pytest.mark.parametrize("server", sorted(SERVERS))
def test_each_real_server_shape_is_stored_on_the_first_request(serve, server):
    loopback = serve(SERVERS[server])
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert (run.done, run.failed, len(loopback.requests)) == (1, 0, 1)
    stored = Translation.objects.get(paper=paper)
    assert stored.abstract.startswith("本文第1部分") and "<think>" not in stored.abstract
    assert "草稿" not in stored.title + stored.abstract  # the draft in the reasoning was not taken
    assert (stored.prompt_tokens, stored.completion_tokens) == (900, 700)


@pytest.mark.django_db
def test_a_reply_without_usage_is_stored_with_no_tokens_counted(serve):
    serve(llm_servers.gateway_without_usage)
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1 and (run.prompt_tokens, run.completion_tokens) == (0, 0)
    assert TranslationRequest.objects.get(paper=paper).status == "ok"
