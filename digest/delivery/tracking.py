"""Provider events (anymail tracking webhooks) -> EmailEvent rows and their consequences.

Idempotent by event id: a replayed webhook changes nothing. Hard bounces, complaints and provider-side
rejections suppress the address; soft bounces are counted and suppress after SOFT_BOUNCES_BEFORE_SUPPRESSION;
a provider-side unsubscribe unsubscribes.
"""

from __future__ import annotations

import hashlib
import json
import logging

from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from digest.models import Delivery, EmailEvent
from subscribers import status
from subscribers.addresses import lookup_form
from subscribers.models import Subscriber

log = logging.getLogger(__name__)

SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError"}
SES_SOFT_BOUNCE_TYPES = {"Transient", "Undetermined"}
SUPPRESSING = {"complained", "rejected"}


@receiver(tracking)
def on_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    record_event(event, esp_name)


def event_key(event: AnymailTrackingEvent, esp_name: str) -> str:
    """The provider's event id, or (Postmark gives ids only for bounces) a hash of the whole payload,
    which is just as stable across a replay."""
    if event.event_id:
        return f"{esp_name}:{event.event_id}"
    raw = json.dumps(event.esp_event, sort_keys=True, default=str)
    return f"{esp_name}:sha256:{hashlib.sha256(raw.encode()).hexdigest()}"


def record_event(event: AnymailTrackingEvent, esp_name: str = "") -> EmailEvent | None:
    """Stores one event and applies it; returns None for a replay."""
    delivery = _delivery_for(event)
    with transaction.atomic():
        stored, created = EmailEvent.objects.get_or_create(
            event_id=event_key(event, esp_name)[:200],
            defaults={
                "event_type": event.event_type or "unknown",
                "recipient": (event.recipient or "")[:254],
                "provider_message_id": (event.message_id or "")[:300],
                "delivery": delivery,
                "occurred_at": event.timestamp or timezone.now(),
                "url": (event.click_url or "")[:1000],
                "description": (event.description or event.mta_response or "")[:2000],
                "raw": event.esp_event if isinstance(event.esp_event, dict) else {},
            },
        )
        if not created:
            return None
        subscriber = _subscriber_for(event, delivery)
        if subscriber is not None:
            _apply(event, subscriber)
    return stored


def _delivery_for(event: AnymailTrackingEvent) -> Delivery | None:
    delivery_id = (event.metadata or {}).get("delivery")
    if delivery_id and str(delivery_id).isdigit():
        found = Delivery.objects.filter(pk=int(delivery_id)).first()
        if found is not None:
            return found
    if event.message_id:
        # One provider id can cover a whole batch request (Mailgun): the recipient tells the readers apart.
        found = Delivery.objects.filter(provider_message_id=event.message_id)
        if event.recipient:
            found = found.filter(subscriber__email__iexact=lookup_form(event.recipient))
        return found.first()
    return None


def _subscriber_for(event: AnymailTrackingEvent, delivery: Delivery | None) -> Subscriber | None:
    if delivery is not None:
        return delivery.subscriber
    if event.recipient:
        return Subscriber.objects.filter(email__iexact=lookup_form(event.recipient)).first()
    return None


def _soft_bounce(event: AnymailTrackingEvent) -> bool:
    """Postmark names a bounce's kind in Type; Amazon SES in bounce.bounceType, where only Permanent is hard."""
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    ses_bounce = esp_event.get("bounce") if isinstance(esp_event.get("bounce"), dict) else {}
    return esp_event.get("Type") in SOFT_BOUNCE_TYPES or ses_bounce.get("bounceType") in SES_SOFT_BOUNCE_TYPES


def _apply(event: AnymailTrackingEvent, subscriber: Subscriber) -> None:
    kind = event.event_type
    if kind == "deferred" or (kind == "bounced" and _soft_bounce(event)):
        bounces = status.count_soft_bounce(subscriber)
        if bounces >= settings.SOFT_BOUNCES_BEFORE_SUPPRESSION:
            status.suppress(subscriber, f"{bounces} soft bounces")
    elif kind == "bounced":
        status.suppress(subscriber, f"hard bounce: {event.description or event.mta_response or ''}")
    elif kind in SUPPRESSING:
        status.suppress(subscriber, f"{kind}: {event.reject_reason or event.description or ''}")
    elif kind == "unsubscribed":
        status.unsubscribe_reported_by_provider(subscriber)
