"""A reader's own web view: the variant of an edition they were emailed, reached by the email's signed link.

The page is the email's twin: the same papers in the same order, each with its "why you got this" line (carried by
the link), its PDF and code links, and 👍/👎. The votes need to know who is voting: the email's link adds the
reader's own feedback link as `?r=` (a per-recipient placeholder, like the email's own vote buttons), so a reader
who opens the page from their email votes from it as from the email. Without it (a shared link), no vote buttons.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from digest.delivery.email.rendering import variant_context, why_line
from digest.languages import DJANGO_LANGUAGE
from digest.models import Edition
from digest.personalization.reader_views import picks_of, reader_view_from_token
from subscribers.models import Subscriber
from subscribers.tokens import InvalidToken, read_token

#: The path the email's feedback links start with; `?r=` holds such a link, of which only the token is kept.
_FEEDBACK_PREFIX = "/feedback/"


def reader_view(request: HttpRequest, token: str) -> HttpResponse:
    view = reader_view_from_token(token)
    if view is None or view.edition.status not in Edition.PUBLISHED:
        raise Http404("no such view")
    voter, reader = _voter(request.GET.get("r", ""))
    picks = picks_of(view, reader.follows if reader else None)
    tags = {pick[0]: pick[2] for pick in view.picks}
    context = variant_context(view.edition, view.language, view.bilingual, picks)
    with translation.override(DJANGO_LANGUAGE[view.language]):
        for item, pick in zip(context["papers"], picks, strict=True):
            if tags.get(pick.entry.paper_id) and not pick.followed:  # followed, but the link does not say what
                item["why"] = gettext("Why you got this: it matches something you follow.")
            else:
                item["why"] = why_line(pick, view.language)[1]  # plain text: the template escapes it
            if voter:
                item["vote_up"] = reverse("subscribers:feedback_up", args=[voter, item["paper"].arxiv_id])
                item["vote_down"] = reverse("subscribers:feedback_down", args=[voter, item["paper"].arxiv_id])
        context["paper_count"] = len(picks)
        response = render(request, "digest/reader_view.html", context)
    response["X-Robots-Tag"] = "noindex"  # a reader's own selection is not for search engines
    response["Referrer-Policy"] = "no-referrer"  # the page's address may carry the reader's vote link
    response["Cache-Control"] = "private, no-store"
    return response


def _voter(personal_link: str) -> tuple[str, Subscriber | None]:
    """The feedback token in the email's `?r=` link and its reader, if it is a valid one; anything else means no
    vote buttons and no followed item named (the buttons are built from the token alone, never from the link as
    given)."""
    _, found, token = personal_link.rpartition(_FEEDBACK_PREFIX)
    token = token.strip("/")
    if not found or not token:
        return "", None
    try:
        subscriber, _ = read_token(token, "feedback")
    except InvalidToken:
        return "", None
    return token, subscriber
