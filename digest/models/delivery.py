"""The per-recipient delivery record, the provider's tracking events and the site's sending switches."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES
from digest.models.editions import Edition


class Delivery(models.Model):
    """One edition to one subscriber. The row exists before the message leaves, and its unique key is
    what makes a re-run, a redelivered task or a killed worker harmless."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    # No index of its own: the unique (edition, subscriber) key and the (edition, status) index both begin with it.
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
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
        # A tracking event without our metadata finds its delivery by the provider's id (made concurrently:
        # migration 0021). The varchar_pattern_ops copies PostgreSQL got for status and event_type are dropped there.
        indexes = [
            models.Index(fields=["provider_message_id"], name="delivery_provider_id_idx"),
            # An edition's rows of one status (its failures for the results page, what is still to send, the chart's
            # sent count): read from the edition's part of the index alone, not intersected with every failed
            # delivery ever recorded through the status index (migration 0026).
            models.Index(fields=["edition", "status"], name="delivery_edition_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber_id} ({self.get_status_display()})"


class EmailEvent(models.Model):
    """What the provider told us about a message (anymail tracking webhooks); idempotent by event id."""

    event_id = models.CharField(_("event id"), max_length=200, unique=True)

    class EventType(models.TextChoices):
        """anymail's normalized event types (a provider's other values are stored and shown as they come)."""

        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        REJECTED = "rejected", _("rejected")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")
        DEFERRED = "deferred", _("deferred")
        DELIVERED = "delivered", _("delivered")
        AUTORESPONDED = "autoresponded", _("auto-responded")
        OPENED = "opened", _("opened")
        CLICKED = "clicked", _("clicked")
        COMPLAINED = "complained", _("complained")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        SUBSCRIBED = "subscribed", _("subscribed")
        UNKNOWN = "unknown", _("unknown")

    event_type = models.CharField(_("event type"), max_length=30, db_index=True, choices=EventType.choices)
    recipient = models.EmailField(_("recipient"), max_length=254, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=300, blank=True)
    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    #: The delivery's edition, carried on the event (set on save): an edition's results and the chart read its
    #: events through an index of their own instead of joining every event with the edition's deliveries. No
    #: database constraint or single-column index: both would be built under a lock on a big table (migration 0023).
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    url = models.URLField(_("url"), max_length=1000, blank=True, help_text=_("the link clicked, for click events"))
    description = models.TextField(_("description"), blank=True)
    raw = models.JSONField(_("raw"), default=dict, blank=True)

    class Meta:
        verbose_name = _("email event")
        verbose_name_plural = _("email events")
        indexes = [
            models.Index(fields=["edition", "event_type"], name="emailevent_edition_type_idx"),
            # Only events whose raw payload is still kept: the nightly retention empties the old ones in time order
            # (digest.delivery.retention.clear_payloads) without reading the events it emptied before.
            models.Index(fields=["occurred_at"], name="emailevent_payload_age_idx", condition=~models.Q(raw={})),
        ]

    def __str__(self) -> str:
        # No address: the string shows in admin titles and logs that editors read.
        return gettext("%(event)s %(time)s (delivery %(delivery)s)") % {
            "event": self.get_event_type_display(),
            "time": f"{self.occurred_at:%Y-%m-%d %H:%M}",
            "delivery": self.delivery_id or "-",
        }

    def save(self, *args: object, **kwargs: object) -> None:
        if self.edition_id is None and self.delivery_id is not None:
            self.edition_id = self.delivery.edition_id
        super().save(*args, **kwargs)


class EditionTotals(models.Model):
    """An edition's chart figures, stored once its events have stopped arriving (EDITION_TOTALS_FINAL_AFTER_DAYS
    after it was sent): the results page's chart of the last editions reads these rows instead of counting their
    deliveries and events again on every view (digest.delivery.results_chart)."""

    edition = models.OneToOneField(
        Edition, verbose_name=_("edition"), primary_key=True, on_delete=models.CASCADE, related_name="totals"
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    clicked = models.PositiveIntegerField(_("clicked"), default=0)
    counted_at = models.DateTimeField(_("counted at"), default=timezone.now)
    #: The results page's figures (rows per language x bilingual, event types that arrived, failure reasons, most
    #: clicked links), kept when the edition's deliveries and events are deleted (digest.delivery.retention).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    #: Set (under the edition's lock) before its deliveries are deleted: from then on the edition is never sent
    #: again, since the rows that said who already got it are gone (digest.delivery.fanout.create_deliveries).
    pruned_at = models.DateTimeField(_("pruned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("edition totals")
        verbose_name_plural = _("edition totals")

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.recipients}/{self.opened}/{self.clicked}"


class SiteSettings(models.Model):
    """One row of switches editors and operators flip in the admin, read by the services at run time."""

    editions_need_approval = models.BooleanField(
        _("editions need approval"),
        default=False,
        help_text=_("when on, nothing is sent before an editor approves the edition"),
    )
    sending_paused = models.BooleanField(
        _("sending paused"), default=False, help_text=_("kill switch: no message leaves while this is on")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return gettext("Site settings")

    @classmethod
    def current(cls) -> SiteSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
