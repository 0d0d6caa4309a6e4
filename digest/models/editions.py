"""Editions, their entries, and each variant's web view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES
from digest.models.papers import Paper


class Edition(models.Model):
    class Status(models.TextChoices):
        # The labels are interface text (the admin shows them); the stored values are not.
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    #: What the public archive, feeds and reader pages show: an edition readers have started to receive.
    PUBLISHED = (Status.SENDING, Status.SENT)

    class Kind(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly (the week's top papers)")

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
        permissions = [("approve_edition", _("Can approve an edition for sending"))]

    def __str__(self) -> str:
        if self.kind == self.Kind.WEEKLY:
            return gettext("Weekly edition %(date)s") % {"date": f"{self.date:%Y-%m-%d}"}
        return gettext("Edition %(date)s") % {"date": f"{self.date:%Y-%m-%d}"}

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
    note = models.TextField(_("note"), blank=True, help_text=_("editor's note, shown under the paper"))

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
        return gettext("%(edition)s %(language)s (%(count)d papers)") % {
            "edition": self.edition,
            "language": self.language,
            "count": len(self.picks),
        }
