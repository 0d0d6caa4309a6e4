"""Indexes for a year of history, built without stopping sending (atomic = False: CONCURRENTLY on PostgreSQL).

- Delivery.provider_message_id: a tracking event without our metadata finds its delivery by it (it was a
  sequential scan of every delivery ever made).
- The varchar_pattern_ops (`_like`) copies PostgreSQL got for Delivery.status, EmailEvent.event_type and
  EmailEvent.event_id: no query searches them by prefix, and every write updated them. Their plain indexes stay.
"""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock, drop_like_index


def _dropped(table: str, column: str) -> migrations.RunPython:
    forwards, backwards = drop_like_index(table, column)
    return migrations.RunPython(forwards, backwards, atomic=False, elidable=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("digest", "0020_interface_labels_translatable"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="delivery",
            index=models.Index(fields=["provider_message_id"], name="delivery_provider_id_idx"),
        ),
        _dropped("digest_delivery", "status"),
        _dropped("digest_emailevent", "event_type"),
        _dropped("digest_emailevent", "event_id"),
    ]
