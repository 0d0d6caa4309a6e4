"""Topics as the admin shows them: in the editor's interface language (a Taiwan editor reads 大型語言模型, not
"Large language models"), in list filters, checkbox lists and columns, for papers and subscribers alike."""

from __future__ import annotations

from django.contrib import admin
from django.utils import translation

from digest.languages import Language, variant_of_django_code
from digest.models import Topic
from digest.translation.variants import to_variant


def topic_name(topic: Topic) -> str:
    """The topic's name in the active interface language: the Chinese name in the editor's variant, else English."""
    language = variant_of_django_code((translation.get_language() or "en").lower())
    if language == Language.EN.value or not topic.name_zh:
        return topic.name_en
    return to_variant(topic.name_zh, language)


class TopicFilter(admin.RelatedFieldListFilter):
    """The list filter on a topics relation, each topic by its name in the editor's language."""

    def field_choices(self, field, request, model_admin):
        return [(topic.pk, topic_name(topic)) for topic in Topic.objects.order_by("position", "slug")]


class TopicsInEditorLanguage:
    """A ModelAdmin mixin: the topics field's choices named in the editor's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Topic:
            field.label_from_instance = topic_name
        return field
