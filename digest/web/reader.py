"""A reader's own web view: the variant of an edition they were emailed, reached by the email's signed link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from digest.delivery.email.rendering import variant_context
from digest.languages import DJANGO_LANGUAGE
from digest.models import Edition
from digest.personalization.reader_views import picks_of, reader_view_from_token


def reader_view(request: HttpRequest, token: str) -> HttpResponse:
    view = reader_view_from_token(token)
    if view is None or view.edition.status not in Edition.PUBLISHED:
        raise Http404("no such view")
    context = variant_context(view.edition, view.language, view.bilingual, picks_of(view))
    context["reader_view"] = True
    with translation.override(DJANGO_LANGUAGE[view.language]):
        response = render(request, "digest/archive_edition.html", context)
    response["X-Robots-Tag"] = "noindex"  # a reader's own selection is not for search engines
    return response
