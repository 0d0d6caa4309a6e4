"""The instructions given to the model. Bump PROMPT_VERSION when they change: the cache key includes it,
so `translate_papers --retranslate` translates again what an older version made (the old text keeps
showing until the new one is stored)."""

from __future__ import annotations

import json
from collections.abc import Sequence

# v2: glossary lines per paper, numbers with units and arXiv ids named among what is kept verbatim.
# v3: the reply may also carry "tldr" (one Simplified Chinese sentence) and "topics" (slugs from the site's list).
# v4: the tl;dr is asked for in every reply, and said what it is for and what it must not be.
PROMPT_VERSION = "v4"

SYSTEM_PROMPT = """You translate English abstracts of AI research papers into Simplified Chinese (zh-Hans) \
for researchers in mainland China, Taiwan and Hong Kong.
Rules:
- Answer with one JSON object only: {"title": "...", "abstract": "...", "tldr": "...", "topics": ["..."]}.
- "tldr": always give one. A single sentence in Simplified Chinese, at most 60 characters, saying what the \
paper does and what it finds, for a reader deciding whether to read the abstract. Not the title again, no LaTeX, \
no Markdown, no line breaks.
- "topics": the one to three slugs from the site's topic list below that fit the paper best.
- Translate faithfully and completely; do not summarize, add or omit anything.
- Keep verbatim: LaTeX ($...$, \\(...\\)), URLs, arXiv ids (2505.01234), code, model and dataset names \
(e.g. GPT-4o, Llama 3, ImageNet), numbers with their units (7B, 32k, 85.3%, 2.5x, 10 ms).
- Keep widely used acronyms in English (LLM, GPU, RL, RLHF, CLIP, Transformer) and write large numbers \
the Chinese way (718 billion -> 7180 亿).
- Plain text only: no HTML, no Markdown."""


def build_messages(
    title: str, abstract: str, *, glossary: str = "", feedback: str = "", topics: Sequence[tuple[str, str]] = ()
) -> list[dict[str, str]]:
    """System rules (+ the site's topics as `slug: description` lines, + the glossary lines for the terms this
    paper uses), the source as a JSON object, and on a retry the reason the previous answer was refused."""
    system = SYSTEM_PROMPT
    if topics:
        system += "\nSite topics:\n" + "\n".join(f"- {slug}: {description}" for slug, description in topics)
    if glossary:
        system += f"\nGlossary (always use these renderings):\n{glossary}"
    user = json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    if feedback:
        messages.append({"role": "user", "content": f"Your previous answer was rejected: {feedback}. Answer again."})
    return messages
