"""An edition's email in one language, rendered once as pieces that every reader's selection is put together from.

A reader with a learned model or follows gets a selection nobody else gets; rendering a whole email for each one
(templates, premailer, folding for 8bit, wrapping the text part) costs far more than the rest of sending it
(bench/send_bench.py measures both). So the templates render every paper of the pool once, with slots where a
reader's email differs (the paper's number, the "why you got this" line, the paper count, the web-view link);
premailer inlines and the HTML is folded once; the result is cut at markers into the head, each paper's full and
short form, and the footer. An email is then those pieces joined, the slots filled, the size budget
(digest.delivery.email.budget) met by counting the pieces' sizes instead of re-measuring whole documents, and only
the text lines holding a slot wrapped.

Slots and markers carry a random token made per layout, so feed or editor text cannot spell one.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass

import premailer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from digest.delivery.email.budget import excerpt, link_growth
from digest.delivery.email.encoding import MAX_LINE_BYTES, as_sent_size, fold_html, wrap_text
from digest.delivery.email.rendering import (
    PLACEHOLDERS,
    SHORT_FORM_CHARACTERS,
    RenderedVariant,
    digest_context,
    paper_count_label,
    paper_item,
    placeholder,
    site_name,
    split_at_placeholders,
    why_line,
    with_placeholders,
)
from digest.languages import DJANGO_LANGUAGE, Language
from digest.models import Edition, EditionEntry
from digest.personalization.picking import Pick, variant_key
from digest.personalization.reader_views import reader_view_link

log = logging.getLogger(__name__)
SLOTS = ("COUNT", "VIEW", "WHY", "NUMBER")
#: Bytes a line holding a slot may grow by once filled (a web-view link, a "why" line naming a followed item).
SLOT_GROWTH = 400


def render_variant(
    edition: Edition, language: str, bilingual: bool, picks: list[Pick], *, layout: Layout | None = None
) -> RenderedVariant:
    """Subject, HTML (CSS inlined, held to the size budget, folded for 8bit) and plain text (wrapped) of one
    selection. The send path passes the edition's cached layout; without one, the picks are rendered afresh."""
    layout = layout or Layout(edition, language, bilingual)
    layout.ensure([pick.entry for pick in picks])
    view_url = reader_view_link(variant_key(edition.pk, language, bilingual, picks))
    return layout.compose(picks, view_url)


#: Token kinds of a piece: text as it is, text with slots to fill, a per-recipient placeholder (by name), and a
#: text line holding slots that is wrapped once filled.
TEXT, SLOTTED, PERSONAL, LATE_LINE = range(4)


@dataclass(frozen=True)
class Piece:
    """A piece of the HTML or the text, as tokens (kind, value, the slots in it), and for the HTML what it weighs
    on the wire."""

    tokens: tuple[tuple[int, str, tuple[str, ...]], ...]
    #: Bytes as sent 8bit (each LF as CRLF), slots counted as written, personal links at their longest.
    size: int = 0
    #: How many times each slot occurs (for the size once filled).
    slot_counts: tuple[tuple[str, int], ...] = ()
    #: Whether every line stays within 8bit's 998 bytes once slots are filled.
    fits: bool = True


@dataclass(frozen=True)
class PaperPieces:
    full: Piece
    short: Piece
    text: Piece


class Layout:
    """One edition in one language (and bilingual or not), for the papers rendered into it so far."""

    def __init__(self, edition: Edition, language: str, bilingual: bool) -> None:
        self.edition, self.language, self.bilingual = edition, language, bilingual
        self.marker = secrets.token_hex(12)
        self.slots = {name: f"slot{self.marker}{name.lower()}" for name in SLOTS}
        self.placeholders = [placeholder(name, self.marker) for name in PLACEHOLDERS]
        self.papers: dict[int, PaperPieces] = {}
        self.head: tuple[Piece, Piece] | None = None
        self.tail: tuple[Piece, Piece] | None = None
        self.subjects: dict[int, str] = {}
        #: Filled and wrapped text lines (see _late_line) and "why" lines by signal.
        self.late_lines: dict[tuple, str] = {}
        self.whys: dict[tuple, tuple[str, str]] = {}
        self.count_labels: dict[int, str] = {}
        #: The pools' entry lists rendered in full already (kept, so their identity is not reused).
        self.pools: list[list[EditionEntry]] = []
        self.lock = threading.Lock()

    @property
    def django_language(self) -> str:
        return DJANGO_LANGUAGE.get(self.language, "en")

    def ensure_pool(self, entries: list[EditionEntry]) -> None:
        """`ensure` for a pool's entries (digest.personalization.picking.Pool.entries), once per pool: the send path
        asks for every reader whose selection is their own, and a pool's entries are scanned only the first time."""
        if not any(entries is seen for seen in self.pools):
            self.ensure(entries)
            self.pools.append(entries)

    def ensure(self, entries: list[EditionEntry]) -> None:
        """Renders the entries not rendered yet, all in one pass of the templates and premailer."""
        missing = list({e.paper_id: e for e in entries if e.paper_id not in self.papers}.values())
        if missing or self.head is None:
            with self.lock:
                missing = [e for e in missing if e.paper_id not in self.papers]
                if missing or self.head is None:
                    self._render(missing)

    def _render(self, entries: list[EditionEntry]) -> None:
        split = f"split{secrets.token_hex(12)}"
        short_limit = SHORT_FORM_CHARACTERS // (1 if self.language == Language.EN else 2)
        items = []
        for entry in entries:
            item = paper_item(entry, self.language)
            item.update(excerpt=excerpt(item["text"].abstract, short_limit), why=self.slots["WHY"],
                        number=self.slots["NUMBER"])  # fmt: skip
            items.append(item)
        context = {
            **digest_context(self.edition, self.language, self.bilingual, items),
            "paper_count_label": self.slots["COUNT"],
            "view_url": self.slots["VIEW"],
            "split": split,
            **{f"{name.lower()}": placeholder(name, self.marker) for name in PLACEHOLDERS},
        }
        with translation.override(self.django_language):
            html = render_to_string("email/digest.html", context)
            text = render_to_string("email/digest.txt", context)
        inlined = premailer.transform(
            html,
            keep_style_tags=True,  # media queries for mobile cannot be inlined
            strip_important=False,
            cssutils_logging_level=logging.CRITICAL,
            disable_validation=True,
            allow_network=False,
        )
        html_pieces = [self._html_piece(piece) for piece in fold_html(inlined).split(f"<!--{split}-->")]
        text_pieces = [self._text_piece(piece) for piece in text.split(split)]
        if len(html_pieces) != 2 * len(entries) + 2 or len(text_pieces) != len(entries) + 2:
            raise RuntimeError("email/digest.html or digest.txt lost the markers between papers")
        self.head, self.tail = (html_pieces[0], text_pieces[0]), (html_pieces[-1], text_pieces[-1])
        for i, entry in enumerate(entries):
            self.papers[entry.paper_id] = PaperPieces(
                html_pieces[1 + 2 * i], html_pieces[2 + 2 * i], text_pieces[1 + i]
            )

    def _tokens(self, text: str) -> list[tuple[int, str, tuple[str, ...]]]:
        """Text cut at the personal placeholders, each text part with the slots it holds."""
        tokens: list[tuple[int, str, tuple[str, ...]]] = []
        for i, part in enumerate(split_at_placeholders(text, self.marker)):
            if i % 2:
                tokens.append((PERSONAL, part, ()))
            elif part:
                names = self._slots_in(part)
                tokens.append((SLOTTED if names else TEXT, part, names))
        return tokens

    def _slots_in(self, text: str) -> tuple[str, ...]:
        return tuple(name for name, slot in self.slots.items() if slot in text)

    def _html_piece(self, text: str) -> Piece:
        growth = link_growth(text, self.placeholders)
        fits = all(
            len(line.encode()) <= MAX_LINE_BYTES - SLOT_GROWTH * any(slot in line for slot in self.slots.values())
            for line in text.split("\n")
        )
        counts = tuple((name, text.count(slot)) for name, slot in self.slots.items() if slot in text)
        return Piece(_merged(self._tokens(text)), len(text.encode()) + text.count("\n") + growth, counts, fits)

    def _text_piece(self, text: str) -> Piece:
        """Lines without a slot are wrapped now; a line with one (a paper's number and title, the "why" line, the
        count, the web-view link) is wrapped once filled."""
        tokens: list[tuple[int, str, tuple[str, ...]]] = []
        for i, line in enumerate(text.split("\n")):
            if i:
                tokens.append((TEXT, "\n", ()))
            if any(slot in line for slot in self.slots.values()):
                if any(p in line for p in self.placeholders):
                    raise RuntimeError("a text line holds both a slot and a personal link")
                tokens.append((LATE_LINE, line, self._slots_in(line)))
            else:
                tokens.extend(self._tokens(wrap_text(line)))
        return Piece(_merged(tokens))

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


def _merged(tokens: list[tuple[int, str, tuple[str, ...]]]) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """Adjacent plain-text tokens as one (fewer steps per email)."""
    merged: list[tuple[int, str, tuple[str, ...]]] = []
    for kind, value, names in tokens:
        if merged and kind == TEXT and merged[-1][0] == TEXT:
            merged[-1] = (TEXT, merged[-1][1] + value, ())
        else:
            merged.append((kind, value, names))
    return tuple(merged)


class _Parts:
    """Text and per-recipient placeholders in order, as RenderedVariant keeps them (odd positions: names)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending: list[str] = []

    def done(self) -> tuple[str, ...]:
        return (*self.parts, "".join(self.pending))
