"""Stored addresses in the form every new one takes (subscribers/addresses.py): the domain in ASCII punycode,
so a reader stored as reader@bücher.example is found when reader@xn--bcher-kva.example signs up or is imported.

Two rows that are one mailbox (reader@bücher.example and reader@xn--bcher-kva.example, stored before the rule) are
left as they are and reported: which reader to keep (statuses, deliveries, votes) is an admin's call, not a
migration's. An address the rule refuses is also left and reported (the confirmation task no longer retries it).
"""

from django.db import migrations
from django.db.models.functions import Lower

BATCH = 2000


def normalize_stored_addresses(Subscriber, report=print) -> dict[str, int]:
    """Rewrites every address whose stored form differs, in batches of BATCH rows; `report` gets one line per
    address left as it is. Returns the counts {"normalized", "collisions", "refused"}."""
    from django.core.exceptions import ValidationError

    from subscribers.addresses import normalize_address

    counts = {"normalized": 0, "collisions": 0, "refused": 0}
    last = 0
    while True:
        batch = list(Subscriber.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "email")[:BATCH])
        if not batch:
            return counts
        last = batch[-1][0]
        for pk, email in batch:
            try:
                stored = normalize_address(email)
            except ValidationError:
                counts["refused"] += 1
                report(f"subscriber {pk}: address {email!r} is not deliverable; left as it is")
                continue
            if stored == email:
                continue
            other = Subscriber.objects.annotate(lower=Lower("email")).filter(lower=stored).exclude(pk=pk).first()
            if other is not None:
                counts["collisions"] += 1
                report(f"subscriber {pk}: {email!r} is the mailbox of subscriber {other.pk} ({other.email!r}); "
                       "both left as they are, keep one in the admin")  # fmt: skip
                continue
            Subscriber.objects.filter(pk=pk).update(email=stored)
            counts["normalized"] += 1


def forwards(apps, schema_editor):
    counts = normalize_stored_addresses(apps.get_model("subscribers", "Subscriber"))
    if any(counts.values()):
        print(
            f"\n  addresses: {counts['normalized']} normalized, {counts['collisions']} left for a collision, "
            f"{counts['refused']} not deliverable"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0007_follows_mutes_schema"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
