"""The public archive: past editions in any variant, with the same content as the email."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from .languages import DJANGO_LANGUAGE, DJANGO_TO_LANGUAGE, LANGUAGE_CHOICES
from .models import Edition
from .personalize import pick_papers
from .rendering import variant_context
from .selectors import edition_entries

PUBLISHED = (Edition.Status.SENDING, Edition.Status.SENT)


def _language(request: HttpRequest) -> str:
    requested = request.GET.get("lang", "")
    if requested in DJANGO_LANGUAGE:
        return requested
    return DJANGO_TO_LANGUAGE.get(translation.get_language() or "", "zh-Hant-TW")


def archive_index(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    editions = Edition.objects.filter(status__in=PUBLISHED).order_by("-date")[:100]
    with translation.override(DJANGO_LANGUAGE[language]):
        return render(
            request,
            "digest/archive_index.html",
            {"editions": editions, "language": language, "languages": LANGUAGE_CHOICES},
        )


def archive_edition(request: HttpRequest, edition_date: str) -> HttpResponse:
    try:
        day = date.fromisoformat(edition_date)
    except ValueError:
        raise Http404("no such edition") from None
    edition = get_object_or_404(Edition, date=day, status__in=PUBLISHED)
    language = _language(request)
    entries = edition_entries(edition)
    context = variant_context(edition, language, False, pick_papers(entries, frozenset(), len(entries)))
    context["languages"] = LANGUAGE_CHOICES
    with translation.override(DJANGO_LANGUAGE[language]):
        return render(request, "digest/archive_edition.html", context)
