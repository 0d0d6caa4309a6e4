"""The admin: papers, topics, sources, translations, settings and deliveries; the edition pages live in
digest/admin_editions.py. Editors and admins differ by permissions (digest/roles.py), not by code paths."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import daily
from .admin_results import EditionWithFiguresAdmin
from .classify import classify
from .models import (
    Delivery,
    Edition,
    EmailEvent,
    Paper,
    SiteSettings,
    Source,
    Topic,
    Translation,
)
from .topic_patterns import InvalidPatterns, lines_to_patterns, patterns_to_lines

admin.site.site_header = "每日精選 AI 論文 · Daily AI Papers"
admin.site.site_title = _("Daily AI Papers admin")
admin.site.register(Edition, EditionWithFiguresAdmin)

#: How far back "re-classify recent papers" reaches.
RECLASSIFY_DAYS = 14


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the machine writes (deliveries, events, failures): readable, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PatternLinesField(forms.CharField):
    """Topic.keywords (a JSON list of regular expressions) edited as a textarea, one pattern per line."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 60, "spellcheck": "false", "class": "vLargeTextField"})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("One case-insensitive regular expression per line; blank lines are ignored."),
        )
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return patterns_to_lines(value)
        return value  # the text as typed, when the form is shown again with errors

    def to_python(self, value: object) -> list[str]:
        if isinstance(value, list):
            return value
        try:
            return lines_to_patterns(str(value or ""))
        except InvalidPatterns as invalid:
            raise forms.ValidationError([str(error) for error in invalid.errors]) from None


class TopicForm(forms.ModelForm):
    keywords = PatternLinesField(label=_("Keywords"))

    class Meta:
        model = Topic
        fields = [
            "slug",
            "name_en",
            "name_zh",
            "description_en",
            "description_zh",
            "arxiv_categories",
            "keywords",
            "position",
        ]

    def clean_arxiv_categories(self):
        value = self.cleaned_data["arxiv_categories"]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise forms.ValidationError('a JSON list of arXiv categories, e.g. ["cs.CV"]')
        return value


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ("slug", "name_en", "name_zh", "categories", "keyword_count", "position")
    list_editable = ("position",)
    search_fields = ("slug", "name_en", "name_zh")
    actions = ["reclassify_recent_papers"]

    @admin.display(description=_("arXiv categories"))
    def categories(self, topic: Topic) -> str:
        return ", ".join(topic.arxiv_categories)

    @admin.display(description=_("keywords"))
    def keyword_count(self, topic: Topic) -> int:
        return len(topic.keywords)

    @admin.action(
        description=format_lazy(
            _("Re-classify papers of the last {days} days with the current rules"), days=RECLASSIFY_DAYS
        )
    )
    def reclassify_recent_papers(self, request, queryset):
        """Rules apply to papers as they arrive; after editing keywords, this applies them to recent ones too.
        Papers whose topics an editor chose (topics_locked) keep them."""
        since = timezone.localdate() - timedelta(days=RECLASSIFY_DAYS)
        papers = Paper.objects.filter(announced_on__gte=since)
        count = classify(papers)
        for topic in queryset:
            self.log_change(request, topic, f"Re-classified {count} papers announced since {since}")
        self.message_user(
            request,
            gettext("Re-classified %(count)d papers announced since %(since)s.") % {"count": count, "since": since},
            messages.SUCCESS,
        )


def one_line(text: str, limit: int = 160) -> str:
    """The first line of a reason, short enough for a list column (the detail page has it all)."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "enabled", "fetched", "outcome")
    list_filter = ("enabled", "kind", "last_status")
    readonly_fields = ("etag", "last_modified", "last_fetched_at", "last_status", "last_result", "last_error")
    actions = ["fetch_now", "enable", "disable"]
    change_form_template = "admin/digest/source/change_form.html"

    @admin.display(description=_("last fetched"), ordering="last_fetched_at")
    def fetched(self, source: Source) -> str:
        if source.last_fetched_at is None:
            return gettext("never")
        return date_format(timezone.localtime(source.last_fetched_at), "Y-m-d H:i")

    @admin.display(description=_("last result"), ordering="last_status")
    def outcome(self, source: Source) -> str:
        """What the last fetch did, or the one-line reason it failed."""
        if source.last_status == "error":
            reason = one_line(source.last_error)
            return format_html('<span class="source-error" style="color: #b3261e">✗ {}</span>', reason)
        if source.last_status == "ok":
            return format_html('<span class="source-ok">✓ {}</span>', source.last_result or "ok")
        return gettext("never fetched")

    def changelist_view(self, request, extra_context=None):
        # The result column needs the width; the model list is one click away in the header.
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/fetch/",
                self.admin_site.admin_view(self.fetch_view),
                name="digest_source_fetch",
            ),
            *super().get_urls(),
        ]

    def _queue_fetch(self, request, sources) -> None:
        slugs = daily.queue_fetch(sources)
        for source in sources:
            self.log_change(request, source, "Fetch queued")
        self.message_user(
            request,
            gettext("Fetch queued for %(sources)s; reload in a moment to see the result.")
            % {"sources": ", ".join(slugs)},
            messages.SUCCESS,
        )

    # Fetching changes no setting of a source; it is what the daily run does, earlier. Editors (who may
    # only view sources) can ask for it when a feed was late.
    @admin.action(description=_("Fetch the selected sources now"), permissions=["view"])
    def fetch_now(self, request, queryset):
        self._queue_fetch(request, list(queryset.order_by("slug")))

    def fetch_view(self, request, object_id: str):
        """The "Fetch now" button on a source's page (POST only)."""
        source = self.get_object(request, object_id)
        if source is None or not self.has_view_permission(request, source):
            raise Http404
        if request.method == "POST":
            self._queue_fetch(request, [source])
        return redirect("admin:digest_source_change", source.pk)

    def _set_enabled(self, request, queryset, enabled: bool) -> None:
        for source in queryset:
            source.enabled = enabled
            source.save(update_fields=["enabled"])
            self.log_change(request, source, "Enabled" if enabled else "Disabled")
        count = queryset.count()
        if enabled:
            message = ngettext("%(count)d source enabled.", "%(count)d sources enabled.", count)
        else:
            message = ngettext("%(count)d source disabled.", "%(count)d sources disabled.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Enable the selected sources"), permissions=["change"])
    def enable(self, request, queryset):
        self._set_enabled(request, queryset, True)

    @admin.action(description=_("Disable the selected sources"), permissions=["change"])
    def disable(self, request, queryset):
        self._set_enabled(request, queryset, False)


class TranslationInline(admin.TabularInline):
    model = Translation
    fields = ("language", "title", "model", "by_editor", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("arxiv_id", "short_title", "announced_on", "announce_type", "score", "topic_list")
    list_filter = ("announced_on", "announce_type", "topics", "topics_locked")
    search_fields = ("arxiv_id", "title")
    filter_horizontal = ("topics",)
    readonly_fields = (
        "arxiv_id",
        "version",
        "title",
        "abstract",
        "authors",
        "categories",
        "primary_category",
        "abs_url",
        "pdf_url",
        "announced_on",
        "announce_type",
        "score",
        "sources",
        "retranslation_requested_at",
    )
    exclude = ("code_url",)
    inlines = [TranslationInline]
    date_hierarchy = "announced_on"

    @admin.display(description=_("title"))
    def short_title(self, paper: Paper) -> str:
        return paper.title[:90]

    @admin.display(description=_("topics"))
    def topic_list(self, paper: Paper) -> str:
        return ", ".join(t.slug for t in paper.topics.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def save_related(self, request, form, formsets, change):
        """An editor who sets the topics by hand wants them kept: lock them against the rules."""
        super().save_related(request, form, formsets, change)
        if "topics" in form.changed_data and not form.instance.topics_locked:
            Paper.objects.filter(pk=form.instance.pk).update(topics_locked=True)


@admin.register(Translation)
class TranslationAdmin(ReadOnlyAdmin):
    list_display = ("paper", "language", "model", "by_editor", "prompt_version", "created_at")
    list_filter = ("by_editor", "model", "language")
    search_fields = ("paper__arxiv_id", "title")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("edition", "subscriber", "status", "language", "paper_count", "attempts", "sent_at")
    list_filter = ("status", "language", "edition")
    search_fields = ("subscriber__email", "message_id", "provider_message_id")
    list_select_related = ("edition", "subscriber")


@admin.register(EmailEvent)
class EmailEventAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "recipient", "occurred_at", "link")
    list_filter = ("event_type",)
    search_fields = ("recipient", "provider_message_id", "url")

    @admin.display(description=_("url"))
    def link(self, event: EmailEvent) -> str:
        if not event.url.startswith(("https://", "http://")):
            return event.url[:80]  # shown, never made a link (a javascript: URL stays text)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', event.url, event.url[:80])


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row of switches; only admins change it (editors may look)."""

    list_display = ("__str__", "editions_need_approval", "sending_paused", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        SiteSettings.current()  # the row exists so there is something to open
        return super().changelist_view(request, extra_context)


try:  # GlossaryTerm and translation-cost admin, when that module is present
    from . import admin_translation  # noqa: F401
except ImportError:
    if importlib.util.find_spec(f"{__package__}.admin_translation") is not None:
        raise  # the module exists but is broken: say so rather than hide its admin
