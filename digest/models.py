"""Papers, their topics and translations, editions, and the per-recipient delivery record."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES


class Source(models.Model):
    """A feed we poll. Conditional-GET validators are kept so an unchanged feed costs one 304."""

    class Kind(models.TextChoices):
        ARXIV_RSS = "arxiv_rss", "arXiv RSS"
        ARXIV_API = "arxiv_api", "arXiv API"
        HF_DAILY = "hf_daily", "Hugging Face daily papers"

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
        help_text="what the last successful fetch stored (new, updated, unchanged)",
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
    name_zh = models.CharField(_("name zh"), max_length=100, help_text="Simplified Chinese; Traditional is converted")
    description_en = models.CharField(_("description en"), max_length=300, blank=True)
    description_zh = models.CharField(_("description zh"), max_length=300, blank=True)
    arxiv_categories = models.JSONField(_("arxiv categories"), default=list, blank=True, help_text='e.g. ["cs.CV"]')
    keywords = models.JSONField(
        _("keywords"), default=list, blank=True, help_text="case-insensitive regular expressions"
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
    score = models.IntegerField(_("score"), default=0, help_text="community upvotes where the source has them")
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="papers")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="papers")
    topics_locked = models.BooleanField(
        _("topics locked"), default=False, help_text="editor chose the topics; rules leave them"
    )
    retranslation_requested_at = models.DateTimeField(
        _("retranslation requested at"),
        null=True,
        blank=True,
        help_text="an editor asked for a re-translation that has not run yet",
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


def source_hash(title: str, abstract: str) -> str:
    return hashlib.sha256(f"{title}\n\n{abstract}".encode()).hexdigest()[:32]


class Translation(models.Model):
    """The model's (or an editor's) Simplified Chinese text of a paper, made once per source text."""

    paper = models.ForeignKey(Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16, default="zh-Hans")
    title = models.TextField(_("title"))
    abstract = models.TextField(_("abstract"))
    model = models.CharField(_("model"), max_length=100)
    prompt_version = models.CharField(_("prompt version"), max_length=20)
    source_hash = models.CharField(_("source hash"), max_length=64)
    by_editor = models.BooleanField(_("by editor"), default=False)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: One sentence (zh-Hans) to scan a paper by, when the model gave one; shown under the title.
    tldr = models.TextField(blank=True)
    #: Topic slugs the model chose from the site's list (digest.papers.classify weighs them with the rules).
    topics = models.JSONField(default=list, blank=True)
    superseded_at = models.DateTimeField(
        _("superseded at"),
        null=True,
        blank=True,
        help_text="set when `translate_papers --force` replaced this text; no longer shown",
    )
    review_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="soft deviations the reply checks accepted (and repaired where a rule could); an editor clears "
        "them after reading the text",
    )

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "language", "source_hash", "model", "prompt_version"],
                name="one_translation_per_source_model_prompt",
            )
        ]
        ordering = ["-by_editor", "-created_at"]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} {self.language} ({self.model})"


class TranslationFailure(models.Model):
    """A reply we refused or a request that failed, kept so editors see why a paper is in English."""

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="translation_failures"
    )
    model = models.CharField(_("model"), max_length=100)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("translation failure")
        verbose_name_plural = _("translation failures")

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.reason[:80]}"


class TranslationRequest(models.Model):
    """One HTTP request to the translator, successful or not: what the provider bills us for.

    Failed attempts are kept too (a reply refused by validation still cost its tokens), so the monthly
    totals in the admin are what the invoice will say, not only what ended up in an email.
    """

    class Status(models.TextChoices):
        OK = "ok", "ok"
        FAILED = "failed", "failed"

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), null=True, on_delete=models.SET_NULL, related_name="translation_requests"
    )
    model = models.CharField(_("model"), max_length=100)
    prompt_version = models.CharField(_("prompt version"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    http_status = models.PositiveSmallIntegerField(_("http status"), null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    latency_ms = models.PositiveIntegerField(_("latency ms"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class GlossaryTerm(models.Model):
    """A term the model must keep verbatim or render one fixed way, and that OpenCC must not rewrite."""

    term = models.CharField(_("term"), max_length=100, unique=True, help_text="English, as it appears in abstracts")
    keep_verbatim = models.BooleanField(
        _("keep verbatim"), default=False, help_text="keep the English term as is (LLM, GPU, CLIP)"
    )
    zh_hans = models.CharField(
        "Simplified rendering", max_length=100, blank=True, help_text="e.g. 状态空间模型; empty when kept verbatim"
    )
    zh_hant_tw = models.CharField(
        "Taiwan rendering", max_length=100, blank=True, help_text="empty: OpenCC s2twp of the Simplified rendering"
    )
    zh_hant_hk = models.CharField(
        "Hong Kong rendering", max_length=100, blank=True, help_text="empty: OpenCC s2hk of the Simplified rendering"
    )
    case_sensitive = models.BooleanField(
        _("case sensitive"), default=False, help_text="match the English term only with this casing"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    variants = models.TextField(
        "accepted variants",
        blank=True,
        help_text="other Simplified renderings models write (one per line, e.g. 大型语言模型): a reply using one is "
        "accepted, the variant replaced by the required form, and flagged for review",
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def variant_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.variants.replace("，", "\n").splitlines() if line.strip())

    def clean(self) -> None:
        if not self.keep_verbatim and not self.zh_hans.strip():
            raise ValidationError("Give a Simplified rendering, or tick 'keep verbatim'.")


class VariantPhrase(models.Model):
    """An editor's entry in the AI-domain phrase table: how a Simplified phrase reads in Taiwan and Hong Kong.

    Applied at render time (digest/translation/phrases), so a new row changes the next email, archive page or
    feed without re-translating anything; it replaces the shipped row for the same phrase."""

    zh_hans = models.CharField(
        "Simplified phrase", max_length=100, unique=True, help_text="as the stored translation writes it, e.g. 鲁棒性"
    )
    zh_hant_tw = models.CharField(
        "Taiwan form", max_length=100, blank=True, help_text="e.g. 穩健性; empty: the shipped form or OpenCC's"
    )
    zh_hant_hk = models.CharField(
        "Hong Kong form", max_length=100, blank=True, help_text="e.g. 穩健性; empty: the shipped form or OpenCC's"
    )
    enabled = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zh_hans"]
        verbose_name = "variant phrase"

    def __str__(self) -> str:
        return self.zh_hans

    def clean(self) -> None:
        self.zh_hans = self.zh_hans.strip()
        if not self.zh_hant_tw.strip() and not self.zh_hant_hk.strip():
            raise ValidationError("Give the Taiwan form, the Hong Kong form, or both.")
        if any(ch in self.zh_hans for ch in "\ue000\ue001\ue002\ue003"):
            raise ValidationError("The phrase contains a reserved character.")


class Edition(models.Model):
    class Status(models.TextChoices):
        # The labels are interface text (the admin shows them); the stored values are not.
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    class Kind(models.TextChoices):
        DAILY = "daily", "daily"
        WEEKLY = "weekly", "weekly (the week's top papers)"

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DAILY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-date", "kind"]
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="one_edition_per_day_and_kind")]
        permissions = [("approve_edition", "Can approve an edition for sending")]

    def __str__(self) -> str:
        suffix = " (weekly)" if self.kind == self.Kind.WEEKLY else ""
        return f"Edition {self.date:%Y-%m-%d}{suffix}"

    def get_absolute_url(self) -> str:
        """The public page: a weekly shares its Monday with that day's daily, so it has a path of its own."""
        name = "digest:archive_weekly" if self.kind == self.Kind.WEEKLY else "digest:archive_edition"
        return reverse(name, args=[self.date.isoformat()])


class EditionEntry(models.Model):
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="entries")
    paper = models.ForeignKey(Paper, verbose_name=_("paper"), on_delete=models.PROTECT, related_name="edition_entries")
    position = models.PositiveIntegerField(_("position"), default=0)
    featured = models.BooleanField(_("featured"), default=False)
    excluded = models.BooleanField(_("excluded"), default=False)
    note = models.TextField(_("note"), blank=True, help_text="editor's note, shown under the paper")

    class Meta:
        verbose_name = _("edition entry")
        verbose_name_plural = _("edition entries")
        ordering = ["-featured", "position"]
        constraints = [models.UniqueConstraint(fields=["edition", "paper"], name="paper_once_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition} #{self.position} {self.paper.arxiv_id}"


class ReaderView(models.Model):
    """One variant of an edition as emailed (language, bilingual, the picks): what the email's "view in
    browser" link shows, so a reader sees exactly their own selection in their own language."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="reader_views"
    )
    language = models.CharField(_("language"), max_length=16, choices=LANGUAGE_CHOICES)
    bilingual = models.BooleanField(_("bilingual"), default=False)
    #: [[paper id, matched topic slug], ...] in the email's order.
    picks = models.JSONField(_("picks"), default=list)
    #: sha256 of the variant key, so each variant is stored once however many readers share it.
    key = models.CharField(_("key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reader view")
        verbose_name_plural = _("reader views")

    def __str__(self) -> str:
        return f"{self.edition} {self.language} ({len(self.picks)} papers)"


class Delivery(models.Model):
    """One edition to one subscriber. The row exists before the message leaves, and its unique key is
    what makes a re-run, a redelivered task or a killed worker harmless."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped"

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    language = models.CharField(_("language"), max_length=16, choices=LANGUAGE_CHOICES, blank=True)
    # As sent (the reader may change it later); null for rows sent before it was recorded.
    bilingual = models.BooleanField(_("bilingual"), null=True, blank=True)
    paper_count = models.PositiveSmallIntegerField(_("paper count"), default=0)
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_per_subscriber")]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber_id} ({self.status})"


class EmailEvent(models.Model):
    """What the provider told us about a message (anymail tracking webhooks); idempotent by event id."""

    event_id = models.CharField(_("event id"), max_length=200, unique=True)
    event_type = models.CharField(_("event type"), max_length=30, db_index=True)
    recipient = models.EmailField(_("recipient"), max_length=254, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=300, blank=True)
    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    url = models.URLField(_("url"), max_length=1000, blank=True, help_text="the link clicked, for click events")
    description = models.TextField(_("description"), blank=True)
    raw = models.JSONField(_("raw"), default=dict, blank=True)

    class Meta:
        verbose_name = _("email event")
        verbose_name_plural = _("email events")

    def __str__(self) -> str:
        # No address: the string shows in admin titles and logs that editors read.
        return f"{self.event_type} {self.occurred_at:%Y-%m-%d %H:%M} (delivery {self.delivery_id or '-'})"


class SiteSettings(models.Model):
    """One row of switches editors and operators flip in the admin, read by the services at run time."""

    editions_need_approval = models.BooleanField(
        _("editions need approval"),
        default=False,
        help_text="when on, nothing is sent before an editor approves the edition",
    )
    sending_paused = models.BooleanField(
        _("sending paused"), default=False, help_text="kill switch: no message leaves while this is on"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return "Site settings"

    @classmethod
    def current(cls) -> SiteSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
