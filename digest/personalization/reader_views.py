"""A reader's own web view of an edition: the selection they were emailed, behind a signed link.

The link carries what the view shows (the edition, the language, bilingual or not, and the papers in the email's
order with why each is there), signed: it is made without touching the database, so a reader whose selection is
their own costs the send path no query, and it names exactly the papers and "why you got this" lines that email
carried, so the page is the email's twin. A followed item is the one part of a why line that is the reader's own:
a link gets forwarded and pasted where the email is not, so it carries only a keyed tag of the item (followed_tag),
which the page turns back into the item for the reader it is opened by, and into a line naming nothing otherwise.

Links sent before this carried the papers' ids alone (shown without why lines), or named a stored ReaderView row
by its id; both are still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from digest.editions.selectors import edition_entries, reserve_entries
from digest.languages import LANGUAGE_NAMES
from digest.models import Edition, ReaderView
from digest.personalization.picking import Pick, VariantKey

_SIGNER = signing.Signer(salt="digest.reader_view", algorithm="sha256")


@dataclass(frozen=True)
class EmailedView:
    edition: Edition
    language: str
    bilingual: bool
    #: (paper id, matched topic, followed item's tag, liked) per paper of the email, in its order.
    picks: tuple[tuple[int, str, str, bool], ...]

    @property
    def paper_ids(self) -> tuple[int, ...]:
        return tuple(pick[0] for pick in self.picks)


def reader_view_link(key: VariantKey) -> str:
    """The signed link to this selection's web view."""
    picks = [[paper_id, topic, followed_tag(followed), int(liked)] for paper_id, topic, followed, liked in key.picks]
    token = _SIGNER.sign_object([key.edition_id, key.language, int(key.bilingual), picks], compress=True)
    return settings.SITE_URL + _view_path().replace("__TOKEN__", token)


@lru_cache(maxsize=4096)
def followed_tag(followed: str) -> str:
    """A followed item as the link carries it: keyed by the site's secret, so it cannot be guessed from a list of
    names (an unkeyed hash of "Fei-Fei Li" could); "" for none."""
    if not followed:
        return ""
    return salted_hmac("digest.reader_view.followed", followed, algorithm="sha256").hexdigest()[:12]


def followed_item(tag: str, follows: dict) -> str:
    """The item of the reader's follows (as stored) that `tag` names, or "" (none, not this reader's, or follows
    stored in a shape they should not have: the page then names nothing, as for a shared link)."""
    if tag and isinstance(follows, dict):
        for items in follows.values():
            for item in items if isinstance(items, list) else ():
                if isinstance(item, str) and followed_tag(item) == tag:
                    return item
    return ""


@lru_cache(maxsize=1)
def _view_path() -> str:
    return reverse("digest:reader_view", args=["__TOKEN__"])


def reader_view_from_token(token: str) -> EmailedView | None:
    """The view a link names, or None for a tampered or unknown link."""
    try:
        edition_id, language, bilingual, picks = _SIGNER.unsign_object(token)
        picks = tuple(_pick(pick) for pick in picks)
    except (signing.BadSignature, ValueError, TypeError):
        pass
    else:
        edition = Edition.objects.filter(pk=int(edition_id)).first()
        if edition is None or language not in LANGUAGE_NAMES:
            return None
        return EmailedView(edition, language, bool(bilingual), picks)
    try:  # a link sent before: the id of a stored row
        pk = int(_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    row = ReaderView.objects.select_related("edition").filter(pk=pk).first()
    if row is None:
        return None
    return EmailedView(row.edition, row.language, row.bilingual, tuple(_pick(pick[0]) for pick in row.picks))


def _pick(signed: object) -> tuple[int, str, str, bool]:
    """One paper of a signed link: [id, topic, followed, liked], or a bare id (links sent before the why lines)."""
    if isinstance(signed, list):
        paper_id, topic, followed, liked = signed
        return int(paper_id), str(topic), str(followed), bool(liked)
    return int(signed), "", "", False


def picks_of(view: EmailedView, follows: dict | None = None) -> list[Pick]:
    """The view's papers in the email's order, each with why it was picked (a followed item as named in `follows`,
    the stored follows of the reader opening it; "" where that cannot be told, see followed_tag); a paper an editor
    has since removed is left out."""
    entries = {entry.paper_id: entry for entry in edition_entries(view.edition)}
    if any(paper_id not in entries for paper_id in view.paper_ids):  # the reader's own signal reached the reserve
        entries |= {entry.paper_id: entry for entry in reserve_entries(view.edition)}
    return [
        Pick(entries[paper_id], topic, followed_item(tag, follows or {}), liked)
        for paper_id, topic, tag, liked in view.picks
        if paper_id in entries
    ]
