"""An edition's email in one language rendered once, cut into pieces that every reader's email is put together
from (digest.delivery.email.layouts composes them).

The templates render every paper of the pool once, with slots where a reader's email differs (the paper's number,
the "why you got this" line, the paper count, the web-view link); premailer inlines and the HTML is folded once;
the result is cut at markers into the head, each paper's full and short form, and the footer. Each piece knows what
it weighs on the wire, so composing never re-measures whole documents. Slots and markers carry a random token made
per layout, so feed or editor text cannot spell one.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass

import premailer
from django.template.loader import render_to_string
from django.utils import translation

from digest.delivery.email.budget import excerpt, link_growth
from digest.delivery.email.encoding import MAX_LINE_BYTES, fold_html, wrap_text
from digest.delivery.email.rendering import (
    PLACEHOLDERS,
    SHORT_FORM_CHARACTERS,
    digest_context,
    paper_item,
    placeholder,
    split_at_placeholders,
)
from digest.languages import DJANGO_LANGUAGE, Language
from digest.models import Edition, EditionEntry

SLOTS = ("COUNT", "VIEW", "WHY", "NUMBER")
#: Bytes a line holding a slot may grow by once filled (a web-view link, a "why" line naming a followed item).
SLOT_GROWTH = 400


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


class RenderedPieces:
    """One edition in one language (and bilingual or not) as pieces, for the papers rendered into it so far."""

    def __init__(self, edition: Edition, language: str, bilingual: bool) -> None:
        self.edition, self.language, self.bilingual = edition, language, bilingual
        self.marker = secrets.token_hex(12)
        self.slots = {name: f"slot{self.marker}{name.lower()}" for name in SLOTS}
        self.placeholders = [placeholder(name, self.marker) for name in PLACEHOLDERS]
        self.papers: dict[int, PaperPieces] = {}
        self.head: tuple[Piece, Piece] | None = None
        self.tail: tuple[Piece, Piece] | None = None
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


def _merged(tokens: list[tuple[int, str, tuple[str, ...]]]) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """Adjacent plain-text tokens as one (fewer steps per email)."""
    merged: list[tuple[int, str, tuple[str, ...]]] = []
    for kind, value, names in tokens:
        if merged and kind == TEXT and merged[-1][0] == TEXT:
            merged[-1] = (TEXT, merged[-1][1] + value, ())
        else:
            merged.append((kind, value, names))
    return tuple(merged)
