"""Topic names and descriptions in the page's language: English as stored, Chinese variants converted
by OpenCC from the stored Simplified text (so the three scripts never drift apart)."""

from __future__ import annotations

from django import template
from django.utils import translation

from digest.languages import Language, variant_of_django_code
from digest.models import Topic
from digest.translation.variants import to_variant

register = template.Library()


def page_language() -> str:
    return variant_of_django_code(translation.get_language())


@register.filter
def topic_name(topic: Topic) -> str:
    language = page_language()
    return topic.name_en if language == Language.EN else to_variant(topic.name_zh, language)


@register.filter
def topic_description(topic: Topic) -> str:
    language = page_language()
    if language == Language.EN or not topic.description_zh:
        return topic.description_en
    return to_variant(topic.description_zh, language)
