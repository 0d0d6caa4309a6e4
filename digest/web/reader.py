"""A reader's own web view: the variant of an edition they were emailed, reached by the email's signed link.

The page is the email's twin: the same papers in the same order, each with its "why you got this" line (carried by
the link), its PDF and code links, and 👍/👎. The votes need to know who is voting: the email's link adds the
reader's own feedback link as `?r=` (a per-recipient placeholder, like the email's own vote buttons), so a reader
who opens the page from their email votes from it as from the email. Without it (a shared link), no vote buttons.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
#: The cookie that keeps the reader's feedback token for their views, and how long.
VOTER_COOKIE = "reader_votes"
VOTER_COOKIE_DAYS = 180


def reader_view(request: HttpRequest, token: str) -> HttpResponse:
    view = reader_view_from_token(token)
    if view is None or view.edition.status not in Edition.PUBLISHED:
        raise Http404("no such view")
    if "r" in request.GET:
        return _remember_voter(request, _token_in_link(request.GET["r"]))
    voter, reader = _voter(request.COOKIES.get(VOTER_COOKIE, ""))
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
        response = render(request, "digest/reader_view.html", context)
    response["X-Robots-Tag"] = "noindex"  # a reader's own selection is not for search engines
    return _private(response)


def _remember_voter(request: HttpRequest, token: str) -> HttpResponse:
    """On to the same view without `?r=`, with the token in the cookie if it is a valid one (a tampered one
    leaves whatever the browser had)."""
    response = _private(redirect(request.path))
    if _voter(token)[0]:
        response.set_cookie(
            VOTER_COOKIE, token, max_age=VOTER_COOKIE_DAYS * 86400, path=_views_path(),
            secure=request.is_secure(), httponly=True, samesite="Lax",
        )  # fmt: skip
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """The view's pages and links carry the reader's vote token: no referrer leaves with it, no cache keeps it."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _views_path() -> str:
    """Where the views live (/read/), so the cookie goes to them and nowhere else on the site."""
    return reverse("digest:reader_view", args=["-"]).removesuffix("-/")


def _token_in_link(personal_link: str) -> str:
    """The token of a feedback link ({SITE_URL}/feedback/<token>), or ""."""
    _, found, token = personal_link.rpartition(_FEEDBACK_PREFIX)
    return token.strip("/") if found else ""


def _voter(token: str) -> tuple[str, Subscriber | None]:
    """The feedback token and its reader, if it is a valid one; anything else means no vote buttons and no
    followed item named (the buttons are built from the token alone)."""
    if not token:
        return "", None
    try:
        subscriber, _ = read_token(token, "feedback")
    except InvalidToken:
        return "", None
    return token, subscriber
