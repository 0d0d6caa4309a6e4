"""Template helpers for the editors' pages."""

from __future__ import annotations

from django import template
from django.utils import translation

from digest.delivery.email.rendering import topic_label
from digest.languages import DJANGO_TO_LANGUAGE, Language
from digest.models import Topic

register = template.Library()


@register.filter
def topic_name(topic: Topic) -> str:
    """A topic's name in the interface language: Chinese editors read 大型语言模型 in their own variant,
    not "Large language models"."""
    language = DJANGO_TO_LANGUAGE.get((translation.get_language() or "en").lower(), Language.EN)
    return topic_label(topic, language)
