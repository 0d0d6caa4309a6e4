"""One subscriber's email: the variant's HTML and text with their personal links, and the list headers (the
sender's name, address and Message-ID domain are subscribers.sender's)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from anymail.message import AnymailMessage
from django.conf import settings
from django.urls import reverse

from digest.delivery.email.encoding import CompactMessage
from digest.delivery.email.rendering import RenderedVariant
from digest.models import Delivery, Edition
from subscribers.models import Subscriber
from subscribers.sender import from_email, mail_domain
from subscribers.tokens import make_token


def delivery_message_id(delivery: Delivery) -> str:
    """Stable for a delivery, so a message sent again after a crash carries the same Message-ID (receivers
    and the outbox reconciliation recognise it), and unique per edition and subscriber."""
    return f"<digest.{delivery.edition_id}.{delivery.pk}.{delivery.subscriber_id}@{mail_domain()}>"


@lru_cache(maxsize=64)
def _url_pattern(name: str) -> str:
    """reverse() once per URL name; per recipient only the token is put in (reverse costs more than signing)."""
    return reverse(name, args=["__TOKEN__"])


def subscriber_links(subscriber: Subscriber, edition: Edition) -> dict[str, str]:
    site = settings.SITE_URL
    manage = _url_pattern("subscribers:manage").replace("__TOKEN__", make_token(subscriber, "manage"))
    # The edition in the unsubscribe token lets an unsubscribe through our own link count in its results.
    unsubscribe_token = make_token(subscriber, "unsubscribe", e=edition.pk)
    unsubscribe = _url_pattern("subscribers:unsubscribe").replace("__TOKEN__", unsubscribe_token)
    archive = edition.get_absolute_url()
    return {
        "MANAGE_URL": site + manage,
        "UNSUBSCRIBE_URL": site + unsubscribe,
        "FEEDBACK_URL": f"{site}/feedback/{make_token(subscriber, 'feedback')}",  # + /<arxiv id>/up/ or /down/
        "ARCHIVE_URL": f"{site}{archive}?lang={subscriber.language}",
    }


def personal_headers(links: dict[str, str], delivery: Delivery) -> dict[str, str]:
    """The headers that differ per reader: their one-click unsubscribe link and the delivery's Message-ID."""
    token = links["UNSUBSCRIBE_URL"].rstrip("/").rsplit("/", 1)[-1]
    mailto = f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + token)}"
    return {
        "List-Unsubscribe": f"<{links['UNSUBSCRIBE_URL']}>, <{mailto}>",
        "Message-ID": delivery.message_id or delivery_message_id(delivery),
    }


def list_headers() -> dict[str, str]:
    return {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "List-Id": settings.LIST_ID}


def build_message(subscriber: Subscriber, delivery: Delivery, variant: RenderedVariant) -> AnymailMessage:
    links = subscriber_links(subscriber, delivery.edition)
    html, text = variant.personalize(links)
    message = CompactMessage(
        subject=variant.subject,
        body=text,
        from_email=from_email(variant.language),
        to=[subscriber.email],
        headers=personal_headers(links, delivery) | list_headers(),
        metadata={"delivery": str(delivery.pk), "edition": delivery.edition.date.isoformat()},
        tags=["digest"],
    )
    message.attach_alternative(html, "text/html")
    return message
