"""A reader's own web view of an edition: the variant they were emailed, behind a signed link.

The link is made once per variant (the readers who share a render share it), so it goes into the rendered
email as it is, costing nothing per recipient, and it names exactly the papers that variant carried.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core import signing
from django.urls import reverse

from digest.editions.personalize import Pick, VariantKey
from digest.editions.selectors import edition_entries, reserve_entries
from digest.models import Edition, ReaderView

_SIGNER = signing.Signer(salt="digest.reader_view", algorithm="sha256")


def reader_view_for(edition: Edition, key: VariantKey) -> ReaderView:
    picks = [list(pick) for pick in key.picks]
    identity = json.dumps([key.edition_id, key.language, key.bilingual, picks], separators=(",", ":"))
    view, _ = ReaderView.objects.get_or_create(
        key=hashlib.sha256(identity.encode()).hexdigest(),
        defaults={"edition": edition, "language": key.language, "bilingual": key.bilingual, "picks": picks},
    )
    return view


def reader_view_url(view: ReaderView) -> str:
    return settings.SITE_URL + reverse("digest:reader_view", args=[_SIGNER.sign(str(view.pk))])


def reader_view_from_token(token: str) -> ReaderView | None:
    """The view a link names, or None for a tampered or unknown link."""
    try:
        pk = int(_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return ReaderView.objects.select_related("edition").filter(pk=pk).first()


def picks_of(view: ReaderView) -> list[Pick]:
    """The view's picks in the email's order; a paper an editor has since removed is left out."""
    entries = {entry.paper_id: entry for entry in edition_entries(view.edition)}
    if any(paper_id not in entries for paper_id, *_ in view.picks):  # the reader's own signal reached the reserve
        entries |= {entry.paper_id: entry for entry in reserve_entries(view.edition)}
    # A stored pick is (paper id, matched topic[, followed, liked]): the why-lines of the email it mirrors.
    return [Pick(entries[paper_id], *why) for paper_id, *why in view.picks if paper_id in entries]
