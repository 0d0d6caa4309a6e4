"""What the admin lists of tables that grow with every edition (deliveries, events) need so that their cost follows
one page, not a year of history: no exact count of all rows, filters that run no DISTINCT over the table, and
searches that are exact lookups through an index (never `UPPER(col) LIKE '%…%'` over every row)."""

from __future__ import annotations

import re

from anymail.signals import EventType
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from digest.models import Delivery, EmailEvent
from subscribers.addresses import lookup_form
from subscribers.models import Subscriber

#: Below this many rows (PostgreSQL's estimate) a list counts exactly.
ESTIMATE_ABOVE = 100_000
#: Our own Message-ID (digest.delivery.email.messages.delivery_message_id) names the delivery's primary key.
_OUR_MESSAGE_ID = re.compile(r"^<?digest\.\d+\.(\d+)\.\d+@[^>\s]+>?$")
EVENT_TYPES = tuple(value for name, value in vars(EventType).items() if name.isupper())
#: Each event type as the editor reads it (EmailEvent's labels, and the two inbound types it never stores).
EVENT_LABELS = {
    **dict(EmailEvent.EventType.choices),
    "inbound": _("inbound message"),
    "inbound_failed": _("inbound message failed"),
}


class EstimatedCountPaginator(Paginator):
    """An unfiltered list of a big table shows PostgreSQL's row estimate (pg_class.reltuples, kept by ANALYZE) for
    its count instead of counting every row; a filtered or searched list, or a small table, counts exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return row[0]
        return super().count


class BigTableAdmin(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False  # "12 results (25,000,000 total)" is a second full count


class EventTypeFilter(admin.SimpleListFilter):
    """anymail's event types, listed without asking the table which ones it holds (a DISTINCT over every event)."""

    title = _("event type")
    parameter_name = "event_type"

    def lookups(self, request, model_admin):
        return [(value, EVENT_LABELS.get(value, value)) for value in EVENT_TYPES]

    def queryset(self, request, queryset):
        return queryset.filter(event_type=self.value()) if self.value() else queryset


def subscriber_ids_with_address(term: str) -> list[int]:
    """Readers whose address is `term` (through the unique index on the lowercased address)."""
    if "@" not in term or "<" in term:
        return []
    rows = Subscriber.objects.alias(address=Lower("email")).filter(address=lookup_form(term).lower())
    return list(rows.values_list("pk", flat=True))


def delivery_search(term: str, *, by_address: bool) -> Q | None:
    """Deliveries `term` names exactly: the provider's message id, our Message-ID, or (when the viewer may see
    readers) the reader's address. Each is an index lookup; together a BitmapOr."""
    term = term.strip()
    if not term:
        return None
    found = Q(provider_message_id=term)
    ours = _OUR_MESSAGE_ID.match(term)
    if ours:
        found |= Q(pk=int(ours.group(1)))
    if by_address:
        ids = subscriber_ids_with_address(term)
        if ids:
            found |= Q(subscriber_id__in=ids)
    return found


def event_search(term: str, *, by_address: bool) -> Q | None:
    """Events of the deliveries `term` names (see delivery_search), found through the events' delivery index."""
    deliveries = delivery_search(term, by_address=by_address)
    if deliveries is None:
        return None
    ids = list(Delivery.objects.filter(deliveries).values_list("pk", flat=True)[:10_000])
    return Q(delivery_id__in=ids)
