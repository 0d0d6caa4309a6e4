"""Admin for the translation side: the glossary editors maintain, what each request cost (with the month's
totals), and why papers stayed in English. digest/admin.py imports this module so it registers once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digest.admin.common import ReadOnlyAdmin
from digest.models import GlossaryTerm, TranslationFailure, TranslationRequest, VariantPhrase
from digest.translation.phrases import shipped_phrases
from digest.translation.usage import month_start, month_totals


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term", "keep_verbatim", "zh_hans", "zh_hant_tw", "zh_hant_hk", "case_sensitive", "enabled")
    list_filter = ("enabled", "keep_verbatim")
    search_fields = ("term", "zh_hans", "zh_hant_tw", "zh_hant_hk", "notes")
    fieldsets = (
        (None, {"fields": ("term", "keep_verbatim", "zh_hans", "variants", "case_sensitive", "enabled")}),
        (
            _("Fixed Traditional renderings (empty: converted by OpenCC from the Simplified one)"),
            {"fields": ("zh_hant_tw", "zh_hant_hk")},
        ),
        (None, {"fields": ("notes",)}),
    )


@admin.register(VariantPhrase)
class VariantPhraseAdmin(admin.ModelAdmin):
    """Editors extend the AI-domain phrase table; the next render uses it (no re-translation), since the
    variants are made at render time from the stored Simplified text."""

    list_display = ("zh_hans", "zh_hant_tw", "zh_hant_hk", "shipped_forms", "enabled", "updated_at")
    list_filter = ("enabled",)
    search_fields = ("zh_hans", "zh_hant_tw", "zh_hant_hk", "notes")

    @admin.display(description=_("shipped table (Taiwan / Hong Kong)"))
    def shipped_forms(self, obj: VariantPhrase) -> str:
        shipped = next((p for p in shipped_phrases() if p.zh_hans == obj.zh_hans.strip()), None)
        return f"{shipped.zh_hant_tw} / {shipped.zh_hant_hk}" if shipped else "—"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_rendered_variants()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        forget_rendered_variants()


def forget_rendered_variants() -> None:
    """A phrase edit changes how every cached conversion reads: drop them in this process (other processes get
    a new table, hence new cache keys, within phrases.CACHE_SECONDS)."""
    from digest.translation import variants

    variants.forget_conversions()


@admin.register(TranslationRequest)
class TranslationRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "paper",
        "model",
        "prompt_version",
        "status",
        "http_status",
        "prompt_tokens",
        "completion_tokens",
        "latency_ms",
        "reason",
    )
    list_filter = ("status", "model", "prompt_version", "created_at")
    search_fields = ("paper__arxiv_id", "model", "reason")
    list_select_related = ("paper",)
    date_hierarchy = "created_at"

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        previous = month_start() - timedelta(days=1)
        context = {"month_totals": [month_totals(), month_totals(previous)], **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)


@admin.register(TranslationFailure)
class TranslationFailureAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "paper", "model", "reason")
    list_filter = ("model", "created_at")
    search_fields = ("paper__arxiv_id", "paper__title", "reason")
    list_select_related = ("paper",)
    date_hierarchy = "created_at"
