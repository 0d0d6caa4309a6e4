"""Composing one reader's email from an edition's rendered pieces (digest.delivery.email.pieces).

A reader with a learned model or follows gets a selection nobody else gets; rendering a whole email for each one
(templates, premailer, folding for 8bit, wrapping the text part) costs far more than the rest of sending it
(bench/send_bench.py measures both). So an email is the pieces joined, the slots filled, the size budget
(digest.delivery.email.budget) met by adding up the pieces' sizes instead of re-measuring whole documents, and
only the text lines holding a slot wrapped.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from digest.delivery.email.budget import link_growth
from digest.delivery.email.encoding import as_sent_size, wrap_text
from digest.delivery.email.pieces import PERSONAL, SLOTTED, TEXT, PaperPieces, Piece, RenderedPieces
from digest.delivery.email.rendering import (
    RenderedVariant,
    paper_count_label,
    site_name,
    why_line,
    with_placeholders,
)
from digest.models import Edition
from digest.personalization.picking import Pick, variant_key
from digest.personalization.reader_views import reader_view_link

log = logging.getLogger(__name__)



def render_variant(
    edition: Edition, language: str, bilingual: bool, picks: list[Pick], *, layout: Layout | None = None
) -> RenderedVariant:
    """Subject, HTML (CSS inlined, held to the size budget, folded for 8bit) and plain text (wrapped) of one
    selection. The send path passes the edition's cached layout; without one, the picks are rendered afresh."""
    layout = layout or Layout(edition, language, bilingual)
    layout.ensure([pick.entry for pick in picks])
    view_url = reader_view_link(variant_key(edition.pk, language, bilingual, picks))
    return layout.compose(picks, view_url)


class Layout(RenderedPieces):
    """An edition's pieces in one language, and the emails composed from them (subjects, "why" lines and filled
    text lines kept per layout, since many readers share them)."""

    def __init__(self, edition: Edition, language: str, bilingual: bool) -> None:
        super().__init__(edition, language, bilingual)
        self.subjects: dict[int, str] = {}
        #: Filled and wrapped text lines (see _late_line) and "why" lines by signal.
        self.late_lines: dict[tuple, str] = {}
        self.whys: dict[tuple, tuple[str, str]] = {}
        self.count_labels: dict[int, str] = {}

    def subject(self, count: int) -> str:
        subject = self.subjects.get(count)
        if subject is None:
            context = {"edition": self.edition, "site_name": site_name(self.language), "paper_count": count}
            with translation.override(self.django_language):
                subject = " ".join(render_to_string("email/digest_subject.txt", context).split())
            self.subjects[count] = subject
        return subject

    def compose(self, picks: list[Pick], view_url: str) -> RenderedVariant:
        """The email of these picks (each rendered into this layout already)."""
        assert self.head is not None and self.tail is not None
        count_label = self.count_labels.get(len(picks))
        if count_label is None:
            with translation.override(self.django_language):
                count_label = self.count_labels[len(picks)] = escape(paper_count_label(len(picks)))
        values = {"COUNT": count_label, "VIEW": escape(view_url)}
        whys = [self._why(pick) for pick in picks]
        papers = [self.papers[pick.entry.paper_id] for pick in picks]
        full = self._full_forms(papers, values, whys)
        text = _Parts()
        self._add(text, self.head[1], values)
        for number, (pieces, (_, why_text)) in enumerate(zip(papers, whys, strict=True), start=1):
            self._add(text, pieces.text, values | {"WHY": why_text, "NUMBER": str(number)})
        self._add(text, self.tail[1], values)
        if full < len(picks):
            log.info("email over budget: short form from paper %s of %s edition=%s language=%s bilingual=%s",
                     full + 1, len(picks), self.edition.pk, self.language, self.bilingual)  # fmt: skip
        return RenderedVariant(
            subject=self.subject(len(picks)),
            html_parts=self._html(papers, whys, values, full),
            text_parts=text.done(),
            paper_count=len(picks),
            language=self.language,
            marker=self.marker,
        )

    def _full_forms(self, papers: list[PaperPieces], values: dict[str, str], whys: list[tuple[str, str]]) -> int:
        """How many papers, from the top, keep their full form within EMAIL_HTML_BUDGET_BYTES (the rest get the
        short form): the pieces' sizes are added up, not the documents re-measured."""
        assert self.head is not None and self.tail is not None
        if not all(p.full.fits and p.short.fits for p in papers) or not (self.head[0].fits and self.tail[0].fits):
            return self._full_forms_measured(papers, values, whys)
        extra = {name: len(value.encode()) - len(self.slots[name]) for name, value in values.items()}
        why_slot = len(self.slots["WHY"])

        def weight(piece: Piece, why: str = "") -> int:
            size = piece.size
            for name, count in piece.slot_counts:
                size += count * (extra[name] if name != "WHY" else len(why.encode()) - why_slot)
            return size

        base = weight(self.head[0]) + weight(self.tail[0])
        fulls = [weight(p.full, why) for p, (why, _) in zip(papers, whys, strict=True)]
        shorts = [weight(p.short, why) for p, (why, _) in zip(papers, whys, strict=True)]
        total = base + sum(fulls)
        for kept in range(len(papers), 0, -1):  # `kept` full forms, then short forms
            if total <= settings.EMAIL_HTML_BUDGET_BYTES:
                return kept
            total += shorts[kept - 1] - fulls[kept - 1]
        return 0

    def _full_forms_measured(self, papers: list[PaperPieces], values: dict[str, str], whys: list) -> int:
        """The same choice by measuring whole documents: for a piece with a line too long for 8bit (sent base64,
        so sizes do not add up)."""
        assert self.head is not None and self.tail is not None
        for kept in range(len(papers), 0, -1):
            document = with_placeholders(self._html(papers, whys, values, kept), self.marker)
            if as_sent_size(document) + link_growth(document, self.placeholders) <= settings.EMAIL_HTML_BUDGET_BYTES:
                return kept
        return 0

    def _html(self, papers: list[PaperPieces], whys: list, values: dict[str, str], full: int) -> tuple[str, ...]:
        """The HTML parts: the head, the first `full` papers in full form and the rest short, the footer."""
        assert self.head is not None and self.tail is not None
        html = _Parts()
        self._add(html, self.head[0], values)
        for number, (pieces, (why, _)) in enumerate(zip(papers, whys, strict=True), start=1):
            self._add(html, pieces.full if number <= full else pieces.short, values | {"WHY": why})
        self._add(html, self.tail[0], values)
        return html.done()

    def _add(self, parts: _Parts, piece: Piece, values: dict[str, str]) -> None:
        pending, done = parts.pending, parts.parts
        for kind, value, names in piece.tokens:
            if kind == TEXT:
                pending.append(value)
            elif kind == PERSONAL:
                done.append("".join(pending))
                done.append(value)
                pending.clear()
            elif kind == SLOTTED:
                pending.append(self._fill(value, names, values))
            else:
                pending.append(self._late_line(value, names, values))

    def _late_line(self, line: str, names: tuple[str, ...], values: dict[str, str]) -> str:
        """A text line holding slots, filled and wrapped, and kept per slot values: a paper's number and title, a
        "why" line, the count. The web-view link is every selection's own, so its line is kept per length of link
        instead, with a stand-in of that length where the link goes: a link is one unbreakable run of narrow
        characters, so only its length decides the wrapping, and a line is never wrapped again per email."""
        link = values["VIEW"] if "VIEW" in names else ""
        if link and (not link.isascii() or any(char.isspace() for char in link)):
            return wrap_text(self._fill(line, names, values))
        stand_in = "\x01" * len(link)
        filling = values | {"VIEW": stand_in} if link else values
        key = (line, *(filling[name] for name in names))
        wrapped = self.late_lines.get(key)
        if wrapped is None:
            wrapped = self.late_lines[key] = wrap_text(self._fill(line, names, filling))
        return wrapped.replace(stand_in, link) if link else wrapped

    def _fill(self, text: str, names: tuple[str, ...], values: dict[str, str]) -> str:
        for name in names:
            text = text.replace(self.slots[name], values[name])
        return text

    def _why(self, pick: Pick) -> tuple[str, str]:
        key = (pick.entry.featured, pick.followed, pick.liked, pick.matched_topic)
        why = self.whys.get(key)
        if why is None:
            with translation.override(self.django_language):
                why = self.whys[key] = why_line(pick, self.language)
        return why


class _Parts:
    """Text and per-recipient placeholders in order, as RenderedVariant keeps them (odd positions: names)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending: list[str] = []

    def done(self) -> tuple[str, ...]:
        return (*self.parts, "".join(self.pending))
