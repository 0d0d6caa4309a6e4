"""Where papers come from, the papers themselves and the topics they are filed under."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A feed we poll. Conditional-GET validators are kept so an unchanged feed costs one 304."""

    class Kind(models.TextChoices):
        ARXIV_RSS = "arxiv_rss", "arXiv RSS"
        ARXIV_API = "arxiv_api", "arXiv API"
        HF_DAILY = "hf_daily", _("Hugging Face daily papers")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("url"), max_length=500)
    enabled = models.BooleanField(_("enabled"), default=True)
    etag = models.CharField(_("etag"), max_length=300, blank=True)
    last_modified = models.CharField(_("last modified"), max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)
    last_status = models.CharField(_("last status"), max_length=20, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_result = models.CharField(
        _("last result"),
        max_length=300,
        blank=True,
        help_text=_("what the last successful fetch stored (new, updated, unchanged)"),
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """An editorial topic. Names are kept in English and Simplified Chinese; OpenCC makes the rest."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name en"), max_length=100)
    name_zh = models.CharField(
        _("name zh"), max_length=100, help_text=_("Simplified Chinese; Traditional is converted")
    )
    description_en = models.CharField(_("description en"), max_length=300, blank=True)
    description_zh = models.CharField(_("description zh"), max_length=300, blank=True)
    arxiv_categories = models.JSONField(_("arxiv categories"), default=list, blank=True, help_text=_('e.g. ["cs.CV"]'))
    keywords = models.JSONField(
        _("keywords"), default=list, blank=True, help_text=_("case-insensitive regular expressions")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en


class Paper(models.Model):
    """One arXiv paper, whatever feeds it came through; a newer version replaces the text in place."""

    class AnnounceType(models.TextChoices):
        NEW = "new", _("new")
        CROSS = "cross", _("cross-list")
        REPLACE = "replace", _("replacement")
        REPLACE_CROSS = "replace-cross", _("replacement (cross-list)")

    arxiv_id = models.CharField(_("arxiv id"), max_length=32, unique=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.TextField(_("title"))
    abstract = models.TextField(_("abstract"), blank=True)
    authors = models.JSONField(_("authors"), default=list)
    categories = models.JSONField(_("categories"), default=list)
    primary_category = models.CharField(_("primary category"), max_length=32, blank=True)
    abs_url = models.URLField(_("abs url"), max_length=300)
    pdf_url = models.URLField(_("pdf url"), max_length=300, blank=True)
    code_url = models.URLField(_("code url"), max_length=300, blank=True)
    announced_on = models.DateField(_("announced on"), db_index=True)
    announce_type = models.CharField(
        _("announce type"), max_length=20, choices=AnnounceType.choices, default=AnnounceType.NEW
    )
    score = models.IntegerField(_("score"), default=0, help_text=_("community upvotes where the source has them"))
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="papers")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="papers")
    topics_locked = models.BooleanField(
        _("topics locked"), default=False, help_text=_("editor chose the topics; rules leave them")
    )
    retranslation_requested_at = models.DateTimeField(
        _("retranslation requested at"),
        null=True,
        blank=True,
        help_text=_("an editor asked for a re-translation that has not run yet"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-announced_on", "-score", "arxiv_id"]

    def __str__(self) -> str:
        return f"{self.arxiv_id} {self.title[:60]}"

    @property
    def source_hash(self) -> str:
        """What a translation was made from; a v2 with a changed abstract needs a new one."""
        return source_hash(self.title, self.abstract)

    def live_translations(self) -> list:
        """Translations of the paper's current text that were not superseded, the one to show first. Reads
        `translations.all()`, so a caller that prefetched translations costs no query (the send path does)."""
        current = self.source_hash
        live = [t for t in self.translations.all() if t.source_hash == current and t.superseded_at is None]
        live.sort(key=lambda t: (t.by_editor, t.created_at), reverse=True)
        return live

    def current_translation(self):
        """The translation shown to readers: an editor's version first, else the newest one made from the
        paper's current text (None: the paper is shown in English)."""
        live = self.live_translations()
        return live[0] if live else None


def source_hash(title: str, abstract: str) -> str:
    return hashlib.sha256(f"{title}\n\n{abstract}".encode()).hexdigest()[:32]
