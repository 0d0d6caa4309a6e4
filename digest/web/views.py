"""The public archive: past editions in any variant, with the same content as the email."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation

from digest.delivery.email.rendering import topic_label
from digest.languages import DJANGO_LANGUAGE, DJANGO_TO_LANGUAGE, LANGUAGE_CHOICES, Language
from digest.models import Edition, Paper
from digest.translation.variants import localize
from digest.web.archive_index import index_page
from digest.web.day_page import TOPIC_SLUG, UnknownTopic, day_page_context


def _language(request: HttpRequest) -> str:
    requested = request.GET.get("lang", "")
    if requested in DJANGO_LANGUAGE:
        return requested
    return DJANGO_TO_LANGUAGE.get(translation.get_language() or "", "zh-Hant-TW")


def archive_index(request: HttpRequest) -> HttpResponse:
    """A month of editions a page, each with its paper count and first titles; cached like a day page.

    Only an existing page is kept, under its own number: a number past the end (which shows the last page), 0 or
    "0001" is rendered each time, so made-up numbers cannot fill the cache with copies."""
    language = _language(request)
    requested = request.GET.get("page", "1")
    number = requested if requested.isascii() and requested.isdigit() and len(requested) <= 6 else "1"
    key = f"archive-index:{language}:{number}"
    html = cache.get(key)
    if html is None:
        with translation.override(DJANGO_LANGUAGE[language]):
            page, rows = index_page(number, language)
            context = {"page": page, "rows": rows, "language": language, "languages": LANGUAGE_CHOICES}
            html = render_to_string("digest/archive_index.html", context, request=request)
        if str(page.number) == number:
            cache.set(key, html, settings.ARCHIVE_CACHE_SECONDS)
    return HttpResponse(html)


def archive_edition(request: HttpRequest, edition_date: str, kind: str = Edition.Kind.DAILY) -> HttpResponse:
    """/archive/<date>/ is that day's daily, /archive/<date>/weekly/ the weekly: a Monday has both."""
    try:
        day = date.fromisoformat(edition_date)
    except ValueError:
        raise Http404("no such edition") from None
    edition = Edition.objects.filter(date=day, kind=kind, status__in=Edition.PUBLISHED).first()
    if edition is None:
        # Links sent before weeklies had a path of their own point at /archive/<date>/.
        weekly = Edition.objects.filter(date=day, kind=Edition.Kind.WEEKLY, status__in=Edition.PUBLISHED).first()
        if kind == Edition.Kind.DAILY and weekly is not None:
            return redirect(weekly.get_absolute_url() + (f"?{request.GET.urlencode()}" if request.GET else ""))
        raise Http404("no such edition")
    language = _language(request)
    topic = request.GET.get("topic", "")
    if topic and not TOPIC_SLUG.fullmatch(topic):
        raise Http404("no such topic")
    # The page is the same for every reader (no personal links, no form), so it is rendered once per
    # edition, variant, topic and ARCHIVE_CACHE_SECONDS; created_at in the key keeps a re-created edition apart.
    key = f"archive:{edition.pk}:{edition.created_at.timestamp()}:{edition.status}:{language}:{topic}"
    html = cache.get(key)
    if html is None:
        # A topic none of the edition's papers carries is turned away by one indexed query before the page is
        # built: its 404 is never cached, so any made-up slug would otherwise build and convert the whole edition.
        if topic and not edition.entries.filter(excluded=False, paper__topics__slug=topic).exists():
            raise Http404("no such topic")
        with translation.override(DJANGO_LANGUAGE[language]):
            try:
                context = day_page_context(edition, language, topic)
            except UnknownTopic:
                raise Http404("no such topic") from None
            html = render_to_string("digest/archive_day.html", context, request=request)
        cache.set(key, html, settings.ARCHIVE_CACHE_SECONDS)
    return HttpResponse(html)


def paper_detail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """One paper with its English original and every Chinese variant; only papers of published editions."""
    # distinct(): a paper in two published editions (a daily and the week's weekly) joins twice.
    published = Paper.objects.filter(
        arxiv_id=arxiv_id[:32],
        edition_entries__edition__status__in=Edition.PUBLISHED,
        edition_entries__excluded=False,
    ).distinct()
    paper = get_object_or_404(published.prefetch_related("topics", "translations", "variant_overrides"))
    language = _language(request)
    versions = [
        {"code": code, "label": label, "text": localize(paper, code)}
        for code, label in LANGUAGE_CHOICES
        if code != Language.EN
    ]
    editions = (
        Edition.objects.filter(status__in=Edition.PUBLISHED, entries__paper=paper, entries__excluded=False)
        .order_by("-date")
        .distinct()
    )
    context = {
        "paper": paper,
        "english": localize(paper, Language.EN),
        "versions": versions,
        "translated": any(v["text"].translated for v in versions),
        "topics": [topic_label(t, language) for t in paper.topics.all()],
        "editions": editions,
        "language": language,
    }
    with translation.override(DJANGO_LANGUAGE[language]):
        return render(request, "digest/paper.html", context)
