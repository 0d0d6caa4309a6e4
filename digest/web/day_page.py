"""An archive day page: the edition's papers grouped by topic under a contents list, or one topic's papers alone
(?topic=<slug>, the filter that works without JavaScript).

Forty papers are some 46,000 px at a phone's width; a reader who follows two topics needs a way to their papers.
Each paper is shown once, in the section of its first topic in the site's topic order (editors' picks in their own
section first, as the email puts them first); the filter shows every paper that carries the topic, so a paper
filed under another topic is still found by a reader of this one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from digest.delivery.email.rendering import paper_count_label, topic_label, variant_context
from digest.editions.selectors import edition_entries
from digest.languages import LANGUAGE_CHOICES
from digest.models import Edition, Topic
from digest.personalization.picking import pick_papers

#: What a ?topic= value may look like (a Topic slug); anything else is not looked up, rendered or cached.
TOPIC_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


class UnknownTopic(LookupError):
    """The edition has no paper on the topic asked for."""


@dataclass
class Section:
    """One part of the page: its anchor, its heading in the page's language and its papers (paper_item each)."""

    anchor: str
    name: str
    #: The ?topic= value that shows this section's topic alone; "" for editors' picks and papers with no topic.
    slug: str = ""
    papers: list[dict] = field(default_factory=list)

    @property
    def count_label(self) -> str:
        return paper_count_label(len(self.papers))


def sections(papers: list[dict], language: str) -> list[Section]:
    """Editors' picks, then one section per topic in the site's order, then papers with no topic; within each,
    the edition's order."""
    picks = Section("editors-picks", gettext("Editor's picks"))
    by_topic: dict[int, tuple[Topic, Section]] = {}
    untopical = Section("other-papers", gettext("Other"))
    for item in papers:
        topics = list(item["paper"].topics.all())  # prefetched, in the site's topic order
        if item["featured"]:
            picks.papers.append(item)
        elif not topics:
            untopical.papers.append(item)
        else:
            first = topics[0]
            if first.pk not in by_topic:
                by_topic[first.pk] = (first, Section(f"topic-{first.slug}", topic_label(first, language), first.slug))
            by_topic[first.pk][1].papers.append(item)
    ordered = [section for _topic, section in sorted(by_topic.values(), key=lambda pair: _topic_order(pair[0]))]
    return [section for section in (picks, *ordered, untopical) if section.papers]


def topics_of(papers: list[dict], language: str) -> list[Section]:
    """Every topic a paper of the edition carries, in the site's order, each with all its papers (the filter's
    choices, and what one of them shows)."""
    found: dict[int, tuple[Topic, Section]] = {}
    for item in papers:
        for topic in item["paper"].topics.all():
            if topic.pk not in found:
                found[topic.pk] = (topic, Section(f"topic-{topic.slug}", topic_label(topic, language), topic.slug))
            found[topic.pk][1].papers.append(item)
    return [section for _topic, section in sorted(found.values(), key=lambda pair: _topic_order(pair[0]))]


def day_page_context(edition: Edition, language: str, topic_slug: str = "") -> dict:
    """What templates/digest/archive_day.html shows: the sections and the contents list, or one topic's papers
    when `topic_slug` is given (UnknownTopic when no paper of the edition carries it)."""
    entries = edition_entries(edition)
    context = variant_context(edition, language, False, pick_papers(entries, frozenset(), len(entries)))
    topics = topics_of(context["papers"], language)
    context |= {
        "languages": LANGUAGE_CHOICES,
        "count_label": paper_count_label(len(context["papers"])),
        "topics": topics,
        "topic": None,
        "sections": [],
    }
    if topic_slug:
        chosen = next((section for section in topics if section.slug == topic_slug), None)
        if chosen is None:
            raise UnknownTopic(topic_slug)
        context["topic"] = chosen
    else:
        context["sections"] = sections(context["papers"], language)
    return context


def _topic_order(topic: Topic) -> tuple[int, str]:
    return topic.position, topic.slug
