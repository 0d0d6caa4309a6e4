"""One subscriber's email: the variant's HTML and text with their personal links, and the list headers."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import quote

from anymail.message import AnymailMessage
from django.conf import settings
from django.urls import reverse

from subscribers.models import Subscriber
from subscribers.tokens import make_token

from .models import Delivery, Edition
from .rendering import RenderedVariant


def mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")


def new_message_id() -> str:
    return make_msgid(domain=mail_domain())


def subscriber_links(subscriber: Subscriber, edition: Edition) -> dict[str, str]:
    site = settings.SITE_URL
    return {
        "MANAGE_URL": site + reverse("subscribers:manage", args=[make_token(subscriber, "manage")]),
        "UNSUBSCRIBE_URL": site + reverse("subscribers:unsubscribe", args=[make_token(subscriber, "unsubscribe")]),
        "ARCHIVE_URL": site
        + reverse("digest:archive_edition", args=[edition.date.isoformat()])
        + f"?lang={subscriber.language}",
    }


def build_message(subscriber: Subscriber, delivery: Delivery, variant: RenderedVariant) -> AnymailMessage:
    links = subscriber_links(subscriber, delivery.edition)
    html, text = variant.personalize(links)
    token = links["UNSUBSCRIBE_URL"].rstrip("/").rsplit("/", 1)[-1]
    mailto = f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + token)}"
    message = AnymailMessage(
        subject=variant.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{links['UNSUBSCRIBE_URL']}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": settings.LIST_ID,
            "Message-ID": delivery.message_id or new_message_id(),
        },
        metadata={"delivery": str(delivery.pk), "edition": delivery.edition.date.isoformat()},
        tags=["digest"],
    )
    message.attach_alternative(html, "text/html")
    return message
