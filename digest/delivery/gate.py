"""The last look before messages leave: are their readers still subscribed?

A batch's readers are read when its rows are claimed, but sending the batch takes a while (a provider's rate,
hundreds of readers), and a reader may unsubscribe, or be suppressed, meanwhile. So the sender passes each small
group of messages through this gate: the group's reader rows are locked (FOR NO KEY UPDATE, in the order of their
ids) and their status read again, and the group is sent before the lock is let go. A reader who left before the
lock is settled as skipped with the reason ("subscriber is unsubscribed"); an unsubscribe that arrives while their
message is on its way waits for it (one group's send, milliseconds) and is answered after it. Either way, once a
reader's unsubscribe has been answered, no message leaves for them.

Only the reader rows of the group are locked, and only while it is sent: the rate limiter's wait comes before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from digest.models import Delivery
from subscribers.models import Subscriber


@contextmanager
def still_subscribed(group: Sequence[tuple[Delivery, Subscriber, Any] | tuple[Delivery, Subscriber]]) -> Iterator[
    tuple[list, list[tuple[Delivery, str]]]
]:  # fmt: skip
    """Yields (the group's items whose reader is still active, (row, reason) for the others) with the readers'
    rows locked; send the kept items inside the block, record the others after it."""
    ids = sorted({item[1].pk for item in group})
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Taking a row lock writes to the row, so this commit would wait for the disk; a lock has nothing to keep.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        rows = Subscriber.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
        statuses = dict(rows.values_list("pk", "status"))
        kept, left = [], []
        for item in group:
            row, subscriber = item[0], item[1]
            status = statuses.get(subscriber.pk, "deleted")
            if status == Subscriber.Status.ACTIVE:
                kept.append(item)
            else:
                subscriber.status = status
                left.append((row, f"subscriber is {status}"))
        yield kept, left
