"""Topics: their arXiv categories and keyword patterns, and re-classifying recent papers after an edit."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digest.admin_deletion import WithoutLinkRows
from digest.models import (
    Paper,
    Topic,
)
from digest.papers.classify import classify
from digest.papers.topic_patterns import InvalidPatterns, lines_to_patterns, patterns_to_lines

#: How far back "re-classify recent papers" reaches.
RECLASSIFY_DAYS = 14


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
class TopicAdmin(WithoutLinkRows, admin.ModelAdmin):
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
