"""Model servers as self-hosters run them, on loopback: what each sends back around a good translation, and how
each refuses what it does not take. Handlers for tests/fakes/http.LoopbackServer, built on the good model of
tests/fakes/llm.py; every shape copies one seen from the real server (origin in the comment beside it).

Content shapes (`REPLY_SHAPES`, the text of choices[0].message.content) are also applied to the reply corpus
(tests/translation/corpus/rates.py), to good and broken replies alike.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable

from .http import Reply, Request
from .llm import completion, glossary_renderings, good_model, source_of, translation_for

Shape = Callable[[str], str]

# A reasoning model thinking aloud, drafts and braces included: what must be set aside, never parsed as the answer.
THINKING = (
    "好的，用户要我把这篇论文的标题和摘要翻译成简体中文，并按 JSON 输出。先想想格式：\n"
    '{"title": "草稿标题", "abstract": "草稿摘要：先直译，再润色"}\n'
    "术语方面，LLM 保持英文，数字和单位 {7B, 85.3%} 原样保留。检查一下 JSON 的括号 { } 是否配对。好，开始输出。\n"
)

REPLY_SHAPES: dict[str, Shape] = {
    "bare": lambda body: body,
    # Ollama /v1 with Qwen3 or DeepSeek-R1 before it split reasoning out: the block first, then the answer
    # ({"content": "<think>\nOkay, the user said ...\n</think>\n\nHello! ..."}, bold84/cot_proxy#3, ollama#9137).
    "Ollama <think> block first": lambda body: f"<think>\n{THINKING}</think>\n\n{body}",
    # DeepSeek-R1 distills whose chat template opens the block itself (vLLM 0.7.2 without a reasoning parser,
    # LM Studio, llama.cpp): only the closing tag is in the reply (vllm#12999, LlamaFactory#8219).
    "lone </think> (template opened it)": lambda body: f"{THINKING}</think>\n\n{body}",
    # Qwen3 and QwQ without JSON mode: think, then a fenced answer and a closing line.
    "<think> then a ```json fence and prose": lambda body: (
        f"<think>\n{THINKING}</think>\n\n```json\n{body}\n```\n\n以上是翻译结果，如需调整请告诉我。"
    ),
    "```json fence": lambda body: f"```json\n{body}\n```",
    # Chat models without JSON mode (Llama, Mistral, Gemma on Ollama or llama.cpp): a sentence before and after.
    "prose before and after": lambda body: f"好的，以下是翻译：\n\n{body}\n\n希望对您有帮助！",
    "prose, then a fence, then prose": lambda body: (
        f"Here is the translation in the requested JSON format:\n\n```json\n{body}\n```\n\n"
        "Let me know if you need any changes."
    ),
    # The answer written twice, once plain and once fenced: the same object, so not ambiguous.
    "the same object twice": lambda body: f"{body}\n\n```json\n{body}\n```",
    # gpt-oss on a server that does not parse its Harmony channels (johnbean393/Sidekick#75, kekzl/imp#768).
    "gpt-oss channels leaked": lambda body: (
        f"<|channel|>analysis<|message|>{THINKING}<|end|><|start|>assistant<|channel|>final<|message|>{body}"
    ),
    # Without JSON mode a model copies LaTeX into the string as in the source: $\alpha$, not $\\alpha$ (an
    # invalid JSON escape; $\times$ and $\beta$ even read as a tab and a backspace).
    "LaTeX backslashes unescaped": lambda body: body.replace("\\\\", "\\"),
}


def wrapped(shape: str) -> Callable[[Request], Reply]:
    """A good model whose content comes in `shape`."""

    def handler(request: Request) -> Reply:
        body = json.dumps(_good(request), ensure_ascii=False)
        return Reply(200, completion(REPLY_SHAPES[shape](body)))

    return handler


def _good(request: Request) -> dict[str, str]:
    source = source_of(request)
    return translation_for(source["title"], source["abstract"], glossary_renderings(request))


# --- Whole bodies: what the message carries besides the content ------------------------------------------------


def deepseek_reasoner(request: Request) -> Reply:
    """DeepSeek's API with deepseek-reasoner (and vLLM <= 0.8.4 with --reasoning-parser): the thinking in
    `reasoning_content` beside `content` (api-docs.deepseek.com, "Reasoning Model"), with cache usage fields."""
    body = completion(json.dumps(_good(request), ensure_ascii=False))
    body["model"] = "deepseek-reasoner"
    body["system_fingerprint"] = "fp_7e0991cad4_prod0425fp8"
    body["choices"][0]["message"]["reasoning_content"] = THINKING
    body["choices"][0]["logprobs"] = None
    body["usage"].update(
        prompt_cache_hit_tokens=0,
        prompt_cache_miss_tokens=900,
        completion_tokens_details={"reasoning_tokens": 512},
    )
    return Reply(200, body)


def vllm_reasoning_parser(request: Request) -> Reply:
    """vLLM >= 0.9 with a reasoning parser: `reasoning` beside `content`, null extras (tool_calls: [],
    refusal, stop_reason, prompt_logprobs), as in llama-stack#4244 and vLLM's reasoning_outputs docs."""
    body = completion(json.dumps(_good(request), ensure_ascii=False))
    message = body["choices"][0]["message"]
    message.update(reasoning=THINKING, reasoning_content=THINKING, tool_calls=[], refusal=None, annotations=None)
    body["choices"][0].update(logprobs=None, stop_reason=None)
    body["prompt_logprobs"] = None
    return Reply(200, body)


def llama_cpp_server(request: Request) -> Reply:
    """llama.cpp's llama-server: `reasoning_content`, a build fingerprint and `timings` (openai-php/client#780)."""
    body = completion(json.dumps(_good(request), ensure_ascii=False))
    body["choices"][0]["message"]["reasoning_content"] = THINKING
    body["system_fingerprint"] = "b9554-d403f00ec"
    body["timings"] = {"prompt_n": 900, "prompt_ms": 251.5, "predicted_n": 700, "predicted_ms": 4075.9}
    return Reply(200, body)


def mistral_magistral(request: Request) -> Reply:
    """Mistral's reasoning models: `content` is a list of chunks, the thinking first, then the answer as text
    (spring-projects/spring-ai#5020, braintrust-sdk-javascript#1857)."""
    answer = json.dumps(_good(request), ensure_ascii=False)
    body = completion(answer)
    body["choices"][0]["message"]["content"] = [
        {"type": "thinking", "thinking": [{"type": "text", "text": THINKING}]},
        {"type": "text", "text": answer},
    ]
    return Reply(200, body)


def gateway_without_usage(request: Request) -> Reply:
    """A proxy in front of a local model that reports no `usage` at all (tokens unknown, translation fine)."""
    body = completion(json.dumps(_good(request), ensure_ascii=False))
    del body["usage"]
    return Reply(200, body)


# --- Servers that refuse a request field ------------------------------------------------------------------------

#: OpenAI's answer to JSON mode on a model without it (openai/openai-node#439, openai-php/client#259).
OPENAI_NO_JSON_MODE = {
    "error": {
        "message": "Invalid parameter: 'response_format' of type 'json_object' is not supported with this model.",
        "type": "invalid_request_error",
        "param": "response_format",
        "code": None,
    }
}
#: LM Studio's local server: a bare string (lmstudio-ai/lmstudio-bug-tracker#189).
LM_STUDIO_NO_JSON_MODE = {"error": "'response_format.type' must be 'json_schema'"}
#: OpenAI's reasoning models (o1, o3, gpt-5) on max_tokens (teilomillet/gollm#33, ComfyUI-Griptape#312).
OPENAI_USE_MAX_COMPLETION_TOKENS = {
    "error": {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
        "Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error",
        "param": "max_tokens",
        "code": "unsupported_parameter",
    }
}


def vllm_context_error(max_tokens: int, context: int = 4096, prompt: int = 900) -> dict:
    """vLLM's refusal of a max_tokens the context cannot hold (ogx-ai/ogx#4534, vllm#20409)."""
    return {
        "object": "error",
        "message": f"This model's maximum context length is {context} tokens. However, you requested "
        f"{prompt + max_tokens} tokens ({prompt} in the messages, {max_tokens} in the completion). "
        "Please reduce the length of the messages or completion.",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    }


class RefusingServer:
    """A good model behind a server that answers 400 to a request carrying `field` (and counts the payloads)."""

    def __init__(self, field: str, error: dict | Callable[[dict], dict], *, also_wrap: str = "bare") -> None:
        self.field, self.error, self.shape = field, error, also_wrap
        self.payloads: list[dict] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        payload = request.json()
        with self._lock:
            self.payloads.append(payload)
        if self.field in payload:
            error = self.error(payload) if callable(self.error) else self.error
            return Reply(400, error)
        return wrapped(self.shape)(request)


def no_json_mode(style: str = "openai") -> RefusingServer:
    """A server without JSON mode: OpenAI's error body, or LM Studio's (style="lmstudio"). Without JSON mode the
    model wraps its answer in prose, as such models do."""
    error = OPENAI_NO_JSON_MODE if style == "openai" else LM_STUDIO_NO_JSON_MODE
    return RefusingServer("response_format", error, also_wrap="prose before and after")


def small_context_vllm(context: int = 4096) -> RefusingServer:
    """vLLM serving a model with a small context: any max_tokens above what it leaves is refused."""
    return RefusingServer("max_tokens", lambda payload: vllm_context_error(payload["max_tokens"], context))


def openai_reasoning_model() -> RefusingServer:
    return RefusingServer("max_tokens", OPENAI_USE_MAX_COMPLETION_TOKENS)


class TruncatingServer:
    """A reasoning model that thinks for `needs` tokens before answering: under a smaller limit the reply stops
    mid-thought with finish_reason "length" (as Ollama, vLLM and OpenAI report it); with room it answers."""

    def __init__(self, needs: int) -> None:
        self.needs = needs
        self.limits: list[int | None] = []

    def __call__(self, request: Request) -> Reply:
        payload = request.json()
        limit = payload.get("max_tokens") or payload.get("max_completion_tokens")
        self.limits.append(limit)
        if limit is not None and limit < self.needs:
            cut = f"<think>\n{THINKING}" + "再检查一遍术语……" * 20
            body = completion(cut, completion_tokens=limit)
            body["choices"][0]["finish_reason"] = "length"
            return Reply(200, body)
        return wrapped("Ollama <think> block first")(request)


def dripping(seconds_per_byte: float = 0.5) -> Callable[[Request], Reply]:
    """A server (or a proxy keeping the connection alive) that sends its reply one byte every half second: each
    read returns within any per-read timeout, so only an overall deadline ends it."""

    def handler(request: Request) -> Reply:
        reply = good_model(request)
        reply.drip = seconds_per_byte
        return reply

    return handler


class DrippingSocketServer:
    """A raw TCP server that writes its whole HTTP answer, status line and headers included, one byte every
    `seconds_per_byte`: every read returns within any per-read timeout, before the headers are even complete, so
    only a deadline on the whole request ends it. Use as a context manager; `url` is its base URL."""

    def __init__(self, seconds_per_byte: float = 0.5) -> None:
        self.seconds_per_byte = seconds_per_byte
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def __enter__(self) -> DrippingSocketServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                head, body = self._read_request(connection)
                reply = good_model(Request("POST", head.split()[1], {}, body))
                payload = json.dumps(reply.body, ensure_ascii=False).encode()
                answer = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                for index in range(len(answer)):
                    if self._stop.wait(self.seconds_per_byte):
                        return
                    connection.sendall(answer[index : index + 1])
            except OSError:  # the client hung up, as it should at its deadline
                return

    @staticmethod
    def _read_request(connection: socket.socket) -> tuple[str, bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        while len(body) < length:
            body += connection.recv(65536)
        return head.decode("latin-1"), body
