"""A reader's own web view of an edition: the selection they were emailed, behind a signed link.

The link carries what the view shows (the edition, the language, bilingual or not, and the papers in the email's
order), signed: it is made without touching the database, so a reader whose selection is their own costs the send
path no query, and it names exactly the papers that email carried. The "why you got this" lines are not in it:
the page does not show them, and a link a reader forwards should not spell out what they follow.

Links sent before this named a stored ReaderView row by its id; they are still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

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
    #: The papers of the email, in its order.
    paper_ids: tuple[int, ...]


def reader_view_link(key: VariantKey) -> str:
    """The signed link to this selection's web view."""
    token = _SIGNER.sign_object([key.edition_id, key.language, int(key.bilingual), [pick[0] for pick in key.picks]])
    return settings.SITE_URL + _view_path().replace("__TOKEN__", token)


@lru_cache(maxsize=1)
def _view_path() -> str:
    return reverse("digest:reader_view", args=["__TOKEN__"])


def reader_view_from_token(token: str) -> EmailedView | None:
    """The view a link names, or None for a tampered or unknown link."""
    try:
        edition_id, language, bilingual, paper_ids = _SIGNER.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        pass
    else:
        edition = Edition.objects.filter(pk=int(edition_id)).first()
        if edition is None or language not in LANGUAGE_NAMES:
            return None
        return EmailedView(edition, language, bool(bilingual), tuple(int(paper_id) for paper_id in paper_ids))
    try:  # a link sent before: the id of a stored row
        pk = int(_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    row = ReaderView.objects.select_related("edition").filter(pk=pk).first()
    if row is None:
        return None
    return EmailedView(row.edition, row.language, row.bilingual, tuple(pick[0] for pick in row.picks))


def picks_of(view: EmailedView) -> list[Pick]:
    """The view's papers in the email's order; a paper an editor has since removed is left out."""
    entries = {entry.paper_id: entry for entry in edition_entries(view.edition)}
    if any(paper_id not in entries for paper_id in view.paper_ids):  # the reader's own signal reached the reserve
        entries |= {entry.paper_id: entry for entry in reserve_entries(view.edition)}
    return [Pick(entries[paper_id], "") for paper_id in view.paper_ids if paper_id in entries]
