"""Batch sending through anymail's merge_data, for providers that fill in per-recipient fields themselves.

One API request then carries up to the provider's limit of readers of one variant: the HTML and text go
once, with each personal link as a merge field, and every reader's links (and their own List-Unsubscribe
and Message-ID headers, through merge_headers) travel as merge data. The provider does the per-reader
string work, and the request count drops by the batch size.

A provider batches (its PROVIDER has a MergeProfile: Mailgun, SendGrid) only when its merge syntax is a plain
string replacement that our content cannot trip over. Postmark is not: it merges only through stored templates or
Mustache-like inline templates, and LaTeX in abstracts (`{{x}}`) would be read as template tags. Other providers
send one message per reader, concurrently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from anymail.exceptions import AnymailError
from anymail.message import AnymailMessage
from django.conf import settings

from digest.delivery import ratelimit
from digest.delivery.email.messages import list_headers, personal_headers, subscriber_links
from digest.delivery.email.rendering import PLACEHOLDERS, RenderedVariant
from digest.delivery.providers.base import MergeProfile
from digest.delivery.providers.outcomes import SendResult, result_for_recipient, verdict_for
from digest.models import Delivery
from subscribers.models import Subscriber
from subscribers.sender import from_email

log = logging.getLogger(__name__)


Recipient = tuple[Delivery, Subscriber]


def chunks(prepared: list[tuple[Delivery, Subscriber, RenderedVariant]], profile: MergeProfile) -> Iterator[
    tuple[RenderedVariant, list[Recipient]]
]:  # fmt: skip
    """Readers grouped by variant (one body per request), each group cut to the provider's limit."""
    # Never more than one second's allowance of the rate limit: a batch reaches the provider at once.
    limit = min(
        profile.max_recipients,
        settings.SEND_ESP_BATCH_MAX or profile.max_recipients,
        ratelimit.send_rate() or profile.max_recipients,
    )
    groups: dict[int, tuple[RenderedVariant, list[Recipient]]] = {}
    for row, subscriber, variant in prepared:
        groups.setdefault(id(variant), (variant, []))[1].append((row, subscriber))
    for variant, recipients in groups.values():
        for start in range(0, len(recipients), limit):
            yield variant, recipients[start : start + limit]


def build_batch_message(variant: RenderedVariant, recipients: list[Recipient], profile: MergeProfile) -> AnymailMessage:
    html, text = variant.personalize({name: profile.field_in_body(name, variant.marker) for name in PLACEHOLDERS})
    edition = recipients[0][0].edition
    message = AnymailMessage(
        subject=variant.subject,
        body=text,
        from_email=from_email(variant.language),
        to=[subscriber.email for _, subscriber in recipients],
        headers=list_headers(),
        metadata={"edition": edition.date.isoformat()},
        tags=["digest"],
        esp_extra=dict(profile.esp_extra),  # anymail pops from it: a fresh dict per message
    )
    message.merge_data, message.merge_headers, message.merge_metadata = {}, {}, {}
    for row, subscriber in recipients:
        links = subscriber_links(subscriber, edition)
        message.merge_data[subscriber.email] = {
            profile.merge_key(name, variant.marker): links[name] for name in PLACEHOLDERS
        }
        message.merge_headers[subscriber.email] = personal_headers(links, row)
        message.merge_metadata[subscriber.email] = {"delivery": str(row.pk)}
    message.attach_alternative(html, "text/html")
    return message


def send_batch(connection, variant: RenderedVariant, recipients: list[Recipient], profile: MergeProfile) -> (
    list[SendResult] | None
):  # fmt: skip
    """Network only, no database; the caller took the rate allowance for the recipients.

    None means the provider refused the request as a whole for a reason that is not transient (one
    malformed address makes SendGrid answer 400 for all 1,000): the caller then sends those readers one
    by one, so only the bad one fails.
    """
    message = build_batch_message(variant, recipients, profile)
    message.connection = connection
    try:
        message.send()
    except (AnymailError, OSError) as error:
        verdict = verdict_for(error)
        if verdict.permanent and len(recipients) > 1:
            log.warning("provider refused a batch; sending it one by one size=%s reason=%s", len(recipients), error)
            return None
        return [verdict.result(row) for row, _ in recipients]
    statuses = message.anymail_status.recipients
    results = []
    for row, subscriber in recipients:
        status = statuses.get(subscriber.email)
        message_id = str(status.message_id or "") if status is not None else ""
        results.append(result_for_recipient(row, status, message_id, variant.paper_count))
    return results
