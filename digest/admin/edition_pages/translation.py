"""One paper's translation in an edition: the editor's own text, back to the model's, or a re-translation; and per
Traditional variant, the editor's own text of that variant (an override) or a phrase for every paper."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from digest.admin.edition_pages.base import (
    CHINESE_VARIANTS,
    ActionHandler,
    EditionPageBase,
)
from digest.editions import editor_translations, variant_overrides
from digest.editor_text import EditorText
from digest.languages import TRANSLATION_LANGUAGE
from digest.models import Edition, EditionEntry, Paper, Translation, VariantOverride
from digest.translation.variants import to_variant

#: The variants as an editor's message names them ("Saved the Taiwan override of 2505.01234").
VARIANT_NAMES = {"zh-Hant-TW": gettext_lazy("Taiwan"), "zh-Hant-HK": gettext_lazy("Hong Kong")}


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
                **self._variant_handlers(request, paper, back),
            }
            return self._dispatch(request, back, handlers, edition, paper)
        paper = Paper.objects.prefetch_related("translations", "translation_failures").get(pk=paper.pk)
        current = paper.current_translation()
        model_version = next(
            (t for t in paper.translations.all() if not t.by_editor and t.source_hash == paper.source_hash), None
        )
        converted = self._variant_columns(paper, current)
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
            can_override=request.user.has_perms(["digest.add_variantoverride", "digest.delete_variantoverride"]),
            can_add_phrase=request.user.has_perms(["digest.add_variantphrase", "digest.change_variantphrase"]),
            phrase_max=variant_overrides.PHRASE_MAX,
            override_max={
                "title": VariantOverride.TITLE_MAX,
                "abstract": VariantOverride.ABSTRACT_MAX,
                "tldr": VariantOverride.TLDR_MAX,
            },
        )
        return TemplateResponse(request, "admin/digest/edition/translation.html", context)

    def _variant_handlers(self, request: HttpRequest, paper: Paper, back: str) -> dict[str, ActionHandler]:
        """The posted actions of the variant columns: write or remove a variant's override, add a phrase."""
        post = request.POST
        language = post.get("variant", "")
        params = {"arxiv_id": paper.arxiv_id, "variant": VARIANT_NAMES.get(language, language)}

        def save_override() -> tuple[EditorText, str]:
            self._require(request, "add_variantoverride")
            variant_overrides.save_variant_override(
                paper, language, post.get("title", ""), post.get("abstract", ""), post.get("tldr", ""), by=request.user
            )
            return EditorText(gettext_noop("Saved the %(variant)s override of %(arxiv_id)s"), **params), back

        def remove_override() -> tuple[EditorText, str]:
            self._require(request, "delete_variantoverride")
            removed = variant_overrides.remove_variant_override(paper, language)
            template = (
                gettext_noop("Removed the %(variant)s override of %(arxiv_id)s; readers get the converted text")
                if removed
                else gettext_noop("%(arxiv_id)s had no %(variant)s override")
            )
            return EditorText(template, **params), back

        def add_phrase() -> tuple[EditorText, str]:
            self._require(request, "add_variantphrase")
            self._require(request, "change_variantphrase")
            phrase = variant_overrides.add_variant_phrase(
                paper, language, post.get("zh_hans", ""), post.get("form", "")
            )
            form = getattr(phrase, variant_overrides.PHRASE_FIELDS[language])
            return EditorText(
                gettext_noop("Added the phrase %(phrase)s → %(form)s (%(variant)s) for every paper"),
                phrase=phrase.zh_hans,
                form=form,
                variant=params["variant"],
            ), back

        return {"save_override": save_override, "remove_override": remove_override, "add_phrase": add_phrase}

    def _variant_columns(self, paper: Paper, current: Translation | None) -> list[dict]:
        """Per Traditional variant: the conversion of the current text, the override readers get instead (if it
        fits the current text) or a stale one (written against an earlier text, ignored), and what the override
        form starts from (the override's text, else the conversion's)."""
        overrides = {o.language: o for o in VariantOverride.objects.filter(paper=paper)}
        columns = []
        for code, label in CHINESE_VARIANTS:
            if code == TRANSLATION_LANGUAGE:
                continue
            converted = {
                "title": to_variant(current.title, code) if current else "",
                "abstract": to_variant(current.abstract, code) if current else "",
                "tldr": to_variant(current.tldr, code) if current and current.tldr else "",
            }
            override = overrides.get(code)
            fits = override is not None and override.fits(current)
            columns.append(
                {
                    "code": code,
                    "label": label,
                    **converted,
                    "override": override if fits else None,
                    "stale": override if override is not None and not fits else None,
                    "form": override or converted,
                }
            )
        return columns
