"""One paper's translation in an edition: the editor's own text, back to the model's, or a re-translation."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from digest.admin.edition_pages.base import (
    CHINESE_VARIANTS,
    ActionHandler,
    EditionPageBase,
)
from digest.editions import editor_translations
from digest.editor_text import EditorText
from digest.languages import TRANSLATION_LANGUAGE
from digest.models import Edition, EditionEntry, Paper, Translation
from digest.translation.stored import current_translation
from digest.translation.variants import to_variant


class TranslationPage(EditionPageBase):
    def translation_view(self, request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        entry = get_object_or_404(EditionEntry.objects.select_related("paper"), edition=edition, paper_id=paper_id)
        paper = entry.paper
        back = reverse("admin:digest_edition_translation", args=[edition.pk, paper.pk])
        if request.method == "POST":
            self._require(request, "change_edition")

            def done(template: str, act: Callable[[Paper], object]) -> ActionHandler:
                def handler() -> tuple[EditorText, str]:
                    act(paper)
                    return EditorText(template, arxiv_id=paper.arxiv_id), back

                return handler

            def save(paper: Paper) -> None:
                editor_translations.save_editor_translation(
                    paper, request.POST.get("title", ""), request.POST.get("abstract", "")
                )

            handlers = {
                "save": done(gettext_noop("Saved the editor's translation of %(arxiv_id)s"), save),
                "discard": done(
                    gettext_noop("Discarded the editor's translation of %(arxiv_id)s"),
                    editor_translations.discard_editor_translation,
                ),
                "clear_review": done(
                    gettext_noop("Marked the translation of %(arxiv_id)s as reviewed"), editor_translations.clear_review
                ),
                "retranslate": done(
                    gettext_noop(
                        "Re-translation of %(arxiv_id)s queued; "
                        "the new text (or the reason it failed) shows here when the model has answered"
                    ),
                    editor_translations.request_retranslation,
                ),
            }
            return self._dispatch(request, back, handlers, edition, paper)
        paper = Paper.objects.prefetch_related("translations", "translation_failures").get(pk=paper.pk)
        current = current_translation(paper)
        model_version = next(
            (t for t in paper.translations.all() if not t.by_editor and t.source_hash == paper.source_hash), None
        )
        converted = [
            {
                "code": code,
                "label": label,
                "title": to_variant(current.title, code) if current else "",
                "abstract": to_variant(current.abstract, code) if current else "",
            }
            for code, label in CHINESE_VARIANTS
            if code != TRANSLATION_LANGUAGE
        ]
        context = self._context(
            request,
            edition,
            gettext("Translation of %(arxiv_id)s") % {"arxiv_id": paper.arxiv_id},
            tab="curate",
            paper=paper,
            current=current,
            model_version=model_version,
            converted=converted,
            history=Translation.objects.filter(paper=paper).order_by("-created_at")[:20],
            failures=paper.translation_failures.order_by("-created_at")[:20],
            pending=paper.retranslation_requested_at,
            translation_frozen=editor_translations.translation_frozen(paper),
        )
        return TemplateResponse(request, "admin/digest/edition/translation.html", context)
