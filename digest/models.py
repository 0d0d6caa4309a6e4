"""Papers, their topics and translations, editions, and the per-recipient delivery record."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES


class Source(models.Model):
    """A feed we poll. Conditional-GET validators are kept so an unchanged feed costs one 304."""

    class Kind(models.TextChoices):
        ARXIV_RSS = "arxiv_rss", "arXiv RSS"
        ARXIV_API = "arxiv_api", "arXiv API"
        HF_DAILY = "hf_daily", "Hugging Face daily papers"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField(max_length=500)
    enabled = models.BooleanField(default=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    last_result = models.CharField(
        max_length=300, blank=True, help_text="what the last successful fetch stored (new, updated, unchanged)"
    )

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """An editorial topic. Names are kept in English and Simplified Chinese; OpenCC makes the rest."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(max_length=100)
    name_zh = models.CharField(max_length=100, help_text="Simplified Chinese; Traditional is converted")
    description_en = models.CharField(max_length=300, blank=True)
    description_zh = models.CharField(max_length=300, blank=True)
    arxiv_categories = models.JSONField(default=list, blank=True, help_text='e.g. ["cs.CV"]')
    keywords = models.JSONField(default=list, blank=True, help_text="case-insensitive regular expressions")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
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

    arxiv_id = models.CharField(max_length=32, unique=True)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.TextField()
    abstract = models.TextField(blank=True)
    authors = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    primary_category = models.CharField(max_length=32, blank=True)
    abs_url = models.URLField(max_length=300)
    pdf_url = models.URLField(max_length=300, blank=True)
    code_url = models.URLField(max_length=300, blank=True)
    announced_on = models.DateField(db_index=True)
    announce_type = models.CharField(max_length=20, choices=AnnounceType.choices, default=AnnounceType.NEW)
    score = models.IntegerField(default=0, help_text="community upvotes where the source has them")
    sources = models.ManyToManyField(Source, blank=True, related_name="papers")
    topics = models.ManyToManyField(Topic, blank=True, related_name="papers")
    topics_locked = models.BooleanField(default=False, help_text="editor chose the topics; rules leave them")
    retranslation_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="an editor asked for a re-translation that has not run yet"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=16, default="zh-Hans")
    title = models.TextField()
    abstract = models.TextField()
    model = models.CharField(max_length=100)
    prompt_version = models.CharField(max_length=20)
    source_hash = models.CharField(max_length=64)
    by_editor = models.BooleanField(default=False)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="set when `translate_papers --force` replaced this text; no longer shown"
    )

    class Meta:
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

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="translation_failures")
    model = models.CharField(max_length=100)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

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

    paper = models.ForeignKey(Paper, null=True, on_delete=models.SET_NULL, related_name="translation_requests")
    model = models.CharField(max_length=100)
    prompt_version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField(blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class GlossaryTerm(models.Model):
    """A term the model must keep verbatim or render one fixed way, and that OpenCC must not rewrite."""

    term = models.CharField(max_length=100, unique=True, help_text="English, as it appears in abstracts")
    keep_verbatim = models.BooleanField(default=False, help_text="keep the English term as is (LLM, GPU, CLIP)")
    zh_hans = models.CharField(
        "Simplified rendering", max_length=100, blank=True, help_text="e.g. 状态空间模型; empty when kept verbatim"
    )
    zh_hant_tw = models.CharField(
        "Taiwan rendering", max_length=100, blank=True, help_text="empty: OpenCC s2twp of the Simplified rendering"
    )
    zh_hant_hk = models.CharField(
        "Hong Kong rendering", max_length=100, blank=True, help_text="empty: OpenCC s2hk of the Simplified rendering"
    )
    case_sensitive = models.BooleanField(default=False, help_text="match the English term only with this casing")
    enabled = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        if not self.keep_verbatim and not self.zh_hans.strip():
            raise ValidationError("Give a Simplified rendering, or tick 'keep verbatim'.")


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

    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DAILY)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "kind"]
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="one_edition_per_day_and_kind")]
        permissions = [("approve_edition", "Can approve an edition for sending")]

    def __str__(self) -> str:
        suffix = " (weekly)" if self.kind == self.Kind.WEEKLY else ""
        return f"Edition {self.date:%Y-%m-%d}{suffix}"


class EditionEntry(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="edition_entries")
    position = models.PositiveIntegerField(default=0)
    featured = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="editor's note, shown under the paper")

    class Meta:
        ordering = ["-featured", "position"]
        constraints = [models.UniqueConstraint(fields=["edition", "paper"], name="paper_once_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition} #{self.position} {self.paper.arxiv_id}"


class Delivery(models.Model):
    """One edition to one subscriber. The row exists before the message leaves, and its unique key is
    what makes a re-run, a redelivered task or a killed worker harmless."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey("subscribers.Subscriber", on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    language = models.CharField(max_length=16, choices=LANGUAGE_CHOICES, blank=True)
    # As sent (the reader may change it later); null for rows sent before it was recorded.
    bilingual = models.BooleanField(null=True, blank=True)
    paper_count = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=300, blank=True)
    provider_message_id = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_per_subscriber")]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber_id} ({self.status})"


class EmailEvent(models.Model):
    """What the provider told us about a message (anymail tracking webhooks); idempotent by event id."""

    event_id = models.CharField(max_length=200, unique=True)
    event_type = models.CharField(max_length=30, db_index=True)
    recipient = models.EmailField(max_length=254, blank=True)
    provider_message_id = models.CharField(max_length=300, blank=True)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    url = models.URLField(max_length=1000, blank=True, help_text="the link clicked, for click events")
    description = models.TextField(blank=True)
    raw = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        # No address: the string shows in admin titles and logs that editors read.
        return f"{self.event_type} {self.occurred_at:%Y-%m-%d %H:%M} (delivery {self.delivery_id or '-'})"


class SiteSettings(models.Model):
    """One row of switches editors and operators flip in the admin, read by the services at run time."""

    editions_need_approval = models.BooleanField(
        default=False, help_text="when on, nothing is sent before an editor approves the edition"
    )
    sending_paused = models.BooleanField(default=False, help_text="kill switch: no message leaves while this is on")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    @classmethod
    def current(cls) -> SiteSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
