"""What one subscriber receives from an edition, and the variant key that lets many share one render."""

from __future__ import annotations

from dataclasses import dataclass

from digest.models import EditionEntry


@dataclass(frozen=True)
class Pick:
    entry: EditionEntry
    #: Slug of the subscriber topic this paper matched, or "" for an editor's pick.
    matched_topic: str


@dataclass(frozen=True)
class VariantKey:
    edition_id: int
    language: str
    bilingual: bool
    #: (paper id, matched topic) per pick: the "why you got this" line is part of the render.
    picks: tuple[tuple[int, str], ...]


def pick_papers(entries: list[EditionEntry], topic_slugs: frozenset[str], max_papers: int) -> list[Pick]:
    """Featured papers always, first; then the subscriber's topics (none chosen: every topic); capped."""
    picks: list[Pick] = []
    for entry in entries:
        if len(picks) >= max_papers:
            break
        paper_topics = [topic.slug for topic in entry.paper.topics.all()]
        if entry.featured:
            picks.append(Pick(entry, ""))
            continue
        if not topic_slugs:
            picks.append(Pick(entry, paper_topics[0] if paper_topics else ""))
            continue
        matched = next((slug for slug in paper_topics if slug in topic_slugs), None)
        if matched is not None:
            picks.append(Pick(entry, matched))
    return picks


def variant_key(edition_id: int, language: str, bilingual: bool, picks: list[Pick]) -> VariantKey:
    return VariantKey(edition_id, language, bilingual, tuple((p.entry.paper_id, p.matched_topic) for p in picks))
