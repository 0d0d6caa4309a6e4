"""Word segmentation of the Simplified text before it is converted to a reader's variant.

OpenCC and the phrase table rewrite character strings; run over a whole sentence they fire across word boundaries
(扩大|模型 read as 扩|大模型, 结合|并|发挥 read as 结|合并|发挥, 在|线性 read as 在线|性). Cutting the text into
words first and converting word by word keeps every rule inside one word.

Segmenter: rjieba (the Rust port of jieba, jieba-rs, with jieba's own dictionary built in). Measured on 600 real
zh-Hans AI summaries (tests/fixtures/zh_corpus, 88 characters each, this machine):

    segmenter          load      per text   same words as jieba
    jieba 0.42.1       ~1.0 s    383 us     (reference)
    jieba-fast-dat     ~1.2 s     40 us     566 / 600
    rjieba 0.2.2       ~0.1-0.4 s 21 us     459 / 600: every difference is a hyphenated Latin name kept whole
                                            (R-CNN, top-k, Qwen3-4B), which no conversion touches

jieba.posseg (and rjieba's tagger) give a dictionary word its dictionary tag whatever the context: 通过 is tagged p
(preposition) in 模型通过测试 as in 通过强化学习训练, so part of speech cannot tell the two apart (see roles.py for
the rule used instead). rjieba needs no cache file and no network: its dictionary is compiled in (jieba would
rebuild its ~1 s prefix dictionary in every process without a cache file); it costs ~55 MB per process.

The project's phrases and glossary renderings are added to the dictionary as words (with the frequency the
segmenter suggests, just enough to keep the word whole when it stands alone), so that a table entry is a word to
the segmenter. Not more: with a floor of 100 or 1,000 the corpus had three to four times as many entries matched
across ordinary word boundaries (较大模型 read as 较 | 大模型). Words are only ever added, never removed,
within a process: an editor's phrase deleted later stays a possible word until the process restarts; it can
move a boundary, never change what a word converts to. The segmenter is built lazily, once per process, and used
under a lock (the Rust object is not shared across threads without one).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

_CJK_RANGES = (("\u3400", "\u9fff"), ("\uf900", "\ufaff"))
#: A run of Chinese characters, or a run of anything else: words never mix the two (see Segmenter.cut).
_SCRIPT_RUNS = re.compile("[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+")


def _has_cjk(word: str) -> bool:
    return any(low <= char <= high for char in word for low, high in _CJK_RANGES)


class Segmenter:
    """A jieba dictionary plus the words the project adds; `cut` returns words that join back to the text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba = None
        self._words: set[str] = set()

    def _loaded(self):
        if self._jieba is None:
            import rjieba  # imported here: a process that never converts never loads the dictionary

            self._jieba = rjieba.Jieba()
        return self._jieba

    def add_words(self, words: Iterable[str]) -> None:
        """Make each word a dictionary word (Chinese words only: Latin text is cut at spaces and punctuation)."""
        new = [w for w in words if w and w not in self._words and _has_cjk(w) and not any(c.isspace() for c in w)]
        if not new:
            return
        with self._lock:
            jieba = self._loaded()
            for word in new:
                if word not in self._words:
                    jieba.add_word(word, None, None)
                    self._words.add(word)

    @property
    def generation(self) -> int:
        """Changes whenever words are added: a cache of cuts keyed on it is never stale."""
        return len(self._words)

    def is_word(self, word: str) -> bool:
        """Whether `word` is a word of the dictionary."""
        with self._lock:
            return self._loaded().has_word(word)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """The words of `text`, in order; "".join(words) == text. With hmm=False, characters of no dictionary word
        stay single instead of being joined by jieba's model of unknown words.

        Chinese and Latin text are cut apart first: jieba's dictionary has words such as B超 (ultrasound), X光 and
        U盘, which took the B of "BaT-9B超过" (9B surpasses) and became 超音波 in Taiwan. A table entry that mixes
        the two (for循环) still matches: entries match runs of whole words."""
        if not text:
            return []
        with self._lock:
            jieba = self._loaded()
            return [word for run in _SCRIPT_RUNS.findall(text) for word in jieba.cut(run, hmm)]


_shared: Segmenter | None = None
_create = threading.Lock()


def segmenter() -> Segmenter:
    """The process's segmenter for conversion (with the project's words)."""
    global _shared
    if _shared is None:
        with _create:
            if _shared is None:
                _shared = Segmenter()
    return _shared
