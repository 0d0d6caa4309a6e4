"""Readers: their consent status and what they want to receive."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES, Language
from digest.models import Paper, Topic
from subscribers.interests import validate_stored


def validate_time_zone(value: str) -> None:
    """One rule for every way a time zone is written (form, admin, import): a zone the IANA database knows. The
    preference centre lists the common ones, but a reader's own zone is never refused for being unlisted."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_choice")


def default_max_papers() -> int:
    return settings.DEFAULT_MAX_PAPERS


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        SUPPRESSED = "suppressed", _("suppressed (bounce or complaint)")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    email = models.EmailField(_("email"), max_length=254)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    language = models.CharField(
        _("language"), max_length=16, choices=LANGUAGE_CHOICES, default=Language.ZH_HANT_TW.value
    )
    bilingual = models.BooleanField(_("bilingual"), default=False)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="subscribers", help_text=_("none: every topic")
    )
    max_papers = models.PositiveSmallIntegerField(_("max papers"), default=default_max_papers)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Taipei", validators=[validate_time_zone])
    delivery_hour = models.PositiveSmallIntegerField(_("delivery hour"), default=7)
    #: Bumped to invalidate every link ever sent to this subscriber ("sign me out everywhere").
    token_version = models.PositiveIntegerField(_("token version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    suppressed_reason = models.CharField(_("suppressed reason"), max_length=300, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces"), default=0)
    #: Nothing is sent before this moment (the reader chose "pause for N days"); null: not paused.
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    #: What the reader follows and mutes: {"keywords": [...], "authors": [...], "categories": [...]} each (see
    #: digest.personalization.interests). A followed paper comes first whatever its topic; a muted one never comes.
    #: Checked against one schema wherever they are written (subscribers.interests.check_stored).
    follows = models.JSONField(_("follows"), default=dict, blank=True, validators=[validate_stored])
    mutes = models.JSONField(_("mutes"), default=dict, blank=True, validators=[validate_stored])

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_unique_ci")]
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Feedback(models.Model):
    """A reader's 👍 or 👎 on one paper, from the links in the email. One row per reader and paper: the
    last vote wins, so a reader who changes their mind is counted once."""

    class Vote(models.IntegerChoices):
        UP = 1, _("up")
        DOWN = -1, _("down")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="feedback"
    )
    paper = models.ForeignKey(Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="feedback")
    vote = models.SmallIntegerField(_("vote"), choices=Vote.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [models.UniqueConstraint(fields=["subscriber", "paper"], name="one_vote_per_reader_and_paper")]
        # The nightly retrain reads only the votes since its last run (digest.personalization.training).
        indexes = [
            models.Index(fields=["updated_at"], name="feedback_updated_idx"),
            # The admin's edition list counts each edition's 👍 and 👎 from this index alone.
            models.Index(fields=["paper", "vote"], name="feedback_paper_vote_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.get_vote_display()} {self.paper_id}"


class ReaderModel(models.Model):
    """What a reader's 👍/👎 taught us: a linear model over hashed title+abstract terms, retrained nightly in bulk
    (subscribers.learning). Only the strongest weights are kept, so a reader costs a few kilobytes and scoring an
    edition at send time is one small sparse product."""

    subscriber = models.OneToOneField(Subscriber, on_delete=models.CASCADE, related_name="reader_model")
    #: Packed int32 feature indices then float32 weights (digest.personalization.relevance.LearnedWeights.to_bytes);
    #: empty until the reader has voted enough.
    weights = models.BinaryField(default=b"", blank=True)
    intercept = models.FloatField(default=0.0)
    votes = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    #: The reader pressed "reset": votes before this moment no longer teach the model.
    reset_at = models.DateTimeField(null=True, blank=True)
    #: When the nightly retrain last read this reader's votes (learned or still cold): only a vote after it makes
    #: the next run retrain the reader.
    retrained_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reader model")
        verbose_name_plural = _("reader models")
        # The last run is the newest retrained_at (digest.personalization.training): one index entry, not a scan of
        # every model, which grows with every reader who ever voted.
        indexes = [models.Index(fields=["retrained_at"], name="readermodel_retrained_idx")]

    def __str__(self) -> str:
        return f"model of {self.subscriber_id} ({self.votes} votes)"
class SubscriberImport(models.Model):
    """One uploaded CSV file and what importing it did: run by a worker, with progress and a report.

    The file is kept until the import ends so a worker can read it; the report keeps the refused rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed (nothing imported)")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[line, reason] for each refused row")
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber import")
        verbose_name_plural = _("subscriber imports")

    def __str__(self) -> str:
        return f"CSV import {self.pk} ({self.status})"
