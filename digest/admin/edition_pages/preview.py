"""The email exactly as a reader of one variant gets it, and a test send to an editor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from digest.admin.edition_pages.base import (
    EditionPageBase,
    _int,
    _query,
)
from digest.delivery.previews import PreviewError, preview_variant, send_test
from digest.editor_text import EditorText, edition_name, shown
from digest.languages import LANGUAGE_CHOICES, Language
from digest.models import Edition, Topic


class PreviewPages(EditionPageBase):
    @staticmethod
    def _variant_choice(data) -> dict:
        language = data.get("lang", Language.ZH_HANT_TW.value)
        max_papers = _int(data.get("max")) or settings.DEFAULT_MAX_PAPERS
        known = set(Topic.objects.values_list("slug", flat=True))
        topics = [slug for slug in data.getlist("topics") if slug in known]
        return {
            "language": language,
            "bilingual": data.get("bilingual") in ("1", "on", "true"),
            "topic_slugs": topics,
            "max_papers": max_papers,
        }

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        choice = self._variant_choice(request.GET)
        preview, error = None, ""
        try:
            preview = preview_variant(edition, **choice)
        except PreviewError as problem:
            error = shown(problem)
        context = self._context(
            request,
            edition,
            gettext("Preview of %(edition)s") % {"edition": edition_name(edition)},
            tab="preview",
            choice=choice,
            preview=preview,
            preview_error=error,
            languages=LANGUAGE_CHOICES,
            topics=Topic.objects.all(),
            test_address=request.user.email,
            query=request.GET.urlencode(),
        )
        return TemplateResponse(request, "admin/digest/edition/preview.html", context)

    def test_send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "change_edition")
        if request.method != "POST":
            return redirect("admin:digest_edition_preview", pk)
        edition = get_object_or_404(Edition, pk=pk)
        choice = self._variant_choice(request.POST)
        back = reverse("admin:digest_edition_preview", args=[edition.pk]) + "?" + _query(choice)
        try:
            preview = preview_variant(edition, **choice)
            send_test(preview, request.user.email)
        except PreviewError as error:
            messages.error(request, shown(error))
            return HttpResponseRedirect(back)
        except Exception as error:  # the provider or backend failed: tell the editor, keep the page
            problem = f"{error.__class__.__name__}: {error}"
            messages.error(request, gettext("The test could not be sent: %(error)s") % {"error": problem})
            return HttpResponseRedirect(back)
        sent = gettext_noop("Sent a test (%(language)s) to %(address)s")
        self._done(request, edition, EditorText(sent, language=preview.language, address=request.user.email))
        return HttpResponseRedirect(back)
