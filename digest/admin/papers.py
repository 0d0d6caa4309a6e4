"""Papers and their stored translations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from digest.admin.common import ReadOnlyAdmin
from digest.admin_deletion import WithoutLinkRows
from digest.models import (
    Paper,
    Translation,
)
from subscribers.topic_labels import TopicFilter, TopicsInEditorLanguage, topic_name


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
class PaperAdmin(WithoutLinkRows, TopicsInEditorLanguage, admin.ModelAdmin):
    list_display = ("arxiv_id", "short_title", "announced_on", "announce_type", "score", "votes", "topic_list")
    list_filter = ("announced_on", "announce_type", ("topics", TopicFilter), "topics_locked")
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
        return ", ".join(topic_name(t) for t in paper.topics.all())

    @admin.display(description=_("readers' votes"), ordering="votes_net")
    def votes(self, paper: Paper) -> str:
        return f"👍 {paper.votes_up} · 👎 {paper.votes_down}"

    def get_queryset(self, request):
        up = Count("feedback", filter=Q(feedback__vote=1))
        down = Count("feedback", filter=Q(feedback__vote=-1))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(votes_up=up, votes_down=down, votes_net=up - down)
        )

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
