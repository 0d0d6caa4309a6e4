"""Variant conversion benchmark (prints figures; not a test).

    .venv/bin/python bench/conversion_bench.py [--papers 300] [--rounds 5] [--compare]

What converting one abstract to Taiwan and to Hong Kong Chinese costs, before (phrases matched in the character
string, OpenCC over the rest: PhraseTable.apply) and after (cut into words, converted word by word), cold (no
cached conversion) and cached (the lru cache a send hits for every reader after the first); the median of
--rounds rounds over the shipped reference translations and the first --papers abstracts of
tests/fixtures/zh_corpus. The one-off costs of a process (loading the segmenter, building a variant's table) are
printed apart. No database is used: the shipped phrase table, no glossary.

--compare converts the whole corpus (titles and abstracts) with each candidate per variant and prints, for each,
the watch-list hits (mainland-only forms a reader of the variant should not see; counted in the character string
for every candidate alike, so a watched string across two correct words, 交互 in 社交|互動, counts too; the
audit counts on word boundaries), the round-trip slips
(characters added or dropped outside a table entry) and the time per abstract: OpenCC alone (s2twp, s2hk, and
s2hkp), MediaWiki's tables as Chinese Wikipedia converts (zhconv, zhconv-rs; installed for the comparison only:
`.venv/bin/pip install zhconv zhconv-rs`), phrases matched by strings, and the word-wise conversion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # a SECRET_KEY; no database is touched

VARIANTS = ("zh-Hant-TW", "zh-Hant-HK")


def abstracts(papers: int) -> list[str]:
    from digest.translation.audit import load_texts

    shipped = load_texts(ROOT / "digest" / "sample_data" / "translations_zh-Hans_hf_daily_2025-05-28.json")
    corpus = load_texts(ROOT / "tests" / "fixtures" / "zh_corpus" / "real_days_summaries.jsonl.gz")
    return [abstract for _, _, abstract in shipped + corpus[:papers] if abstract]


def per_abstract(texts: list[str], convert_one, clear, rounds: int) -> float:
    """Median over rounds of the time to convert every text to both variants, per text, in microseconds."""
    timings = []
    for _ in range(rounds):
        clear()
        start = time.perf_counter()
        for text in texts:
            for language in VARIANTS:
                convert_one(text, language)
        timings.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(timings)


def cost(papers: int, rounds: int) -> None:
    from digest.translation.phrases import PhraseTable, convert_quotes, shipped_phrases
    from digest.translation.segmentation import segmenter
    from digest.translation.variants import _entries, convert, convert_translation

    table = PhraseTable(shipped_phrases())
    texts = abstracts(papers)
    mean_length = sum(map(len, texts)) / len(texts)

    start = time.perf_counter()
    segmenter().cut("预热")
    load = time.perf_counter() - start
    start = time.perf_counter()
    for language in VARIANTS:
        _entries(language, (), table)
    build = time.perf_counter() - start
    print(f"one-off per process: segmenter load {load * 1000:.0f} ms, both variants' tables {build * 1000:.0f} ms")
    print(f"{len(texts)} abstracts, {mean_length:.0f} characters on average; per abstract, Taiwan + Hong Kong:")

    def before(text: str, language: str) -> str:
        return convert_quotes(table.apply(text, language, convert))

    def after(text: str, language: str) -> str:
        return convert_translation(text, language, (), table)

    def clear_before() -> None:
        convert.cache_clear()

    cold_before = per_abstract(texts, before, clear_before, rounds)
    cold_after = per_abstract(texts, after, convert_translation.cache_clear, rounds)
    for text in texts:
        for language in VARIANTS:
            after(text, language)
    cached = per_abstract(texts, after, lambda: None, rounds)
    print(f"  before (phrases matched by strings), cold: {cold_before:8.0f} us")
    print(f"  after (word by word), cold:               {cold_after:8.0f} us")
    print(f"  after, cached (every later reader):       {cached:8.1f} us")


def compare() -> None:
    from collections.abc import Callable

    import opencc

    from digest.translation.audit import boundaries_of, load_texts, round_trip_slips, watch_hits
    from digest.translation.phrases import PhraseTable, convert_quotes, shipped_phrases
    from digest.translation.variants import conversion_pieces, conversion_words, convert

    table = PhraseTable(shipped_phrases())
    papers = load_texts(ROOT / "tests" / "fixtures" / "zh_corpus" / "real_days_summaries.jsonl.gz")
    texts = [text for _, title, abstract in papers for text in (title, abstract) if text]
    candidates: dict[str, dict[str, Callable[[str], str]]] = {language: {} for language in VARIANTS}
    for language, configs in (("zh-Hant-TW", ("s2twp",)), ("zh-Hant-HK", ("s2hk", "s2hkp"))):
        for config in configs:
            candidates[language][f"OpenCC {config}"] = opencc.OpenCC(config).convert
    try:
        import zhconv

        candidates["zh-Hant-TW"]["zhconv zh-tw (MediaWiki)"] = lambda text: zhconv.convert(text, "zh-tw")
        candidates["zh-Hant-HK"]["zhconv zh-hk (MediaWiki)"] = lambda text: zhconv.convert(text, "zh-hk")
    except ImportError:
        print("zhconv is not installed: left out")
    try:
        import zhconv_rs

        candidates["zh-Hant-TW"]["zhconv-rs zh-tw (MediaWiki)"] = lambda text: zhconv_rs.zhconv(text, "zh-tw", False)
        candidates["zh-Hant-HK"]["zhconv-rs zh-hk (MediaWiki)"] = lambda text: zhconv_rs.zhconv(text, "zh-hk", False)
    except ImportError:
        print("zhconv-rs is not installed: left out")

    print(f"\n{len(papers)} papers of tests/fixtures/zh_corpus, {len(texts)} texts; per variant:")
    print(f"  {'conversion':40} {'watch-list hits':>15} {'round-trip slips':>17} {'us/text':>8}")
    for language in VARIANTS:
        print(f" {language}")
        words = {text: boundaries_of(conversion_words(text, language, (), table)) for text in texts}
        rows = {name: _whole(convert_one) for name, convert_one in candidates[language].items()}
        rows["phrases by strings (before)"] = lambda text, lang=language: [
            (s, c, "entry" if phrase else "opencc") for s, c, phrase in table.string_pieces(text, lang, convert)
        ]
        rows["word by word (after)"] = lambda text, lang=language: [
            (p.source, p.text, p.rule) for p in conversion_pieces(text, lang, (), table)
        ]
        for name, pieces_of in rows.items():
            hits = slips = 0
            start = time.perf_counter()
            converted = [(text, pieces_of(text)) for text in texts]
            elapsed = (time.perf_counter() - start) / len(texts) * 1e6
            for text, pieces in converted:
                output = convert_quotes("".join(c for _, c, _ in pieces))
                hits += sum(hit.count for hit in watch_hits(output, language))
                slips += len(round_trip_slips(text, pieces, language, words[text]))
            print(f"  {name:40} {hits:>15} {slips:>17} {elapsed:>8.0f}")


def _whole(convert_one):
    """A converter of whole texts as one piece of pieces: (source, converted, rule)."""
    return lambda text: [(text, convert_one(text), "opencc")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=300, help="corpus abstracts to time besides the shipped 25")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="compare with OpenCC alone and MediaWiki's tables")
    args = parser.parse_args()
    import django

    django.setup()
    cost(args.papers, args.rounds)
    if args.compare:
        compare()


if __name__ == "__main__":
    main()
