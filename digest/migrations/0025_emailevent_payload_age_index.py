"""A partial index on EmailEvent.occurred_at of the events whose raw payload is still kept, built CONCURRENTLY on
PostgreSQL (atomic = False): the nightly retention empties old payloads in time order through it, reading only the
events that turned old since its last run."""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("digest", "0024_edition_totals_pruned"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="emailevent",
            index=models.Index(condition=~models.Q(raw={}), fields=["occurred_at"], name="emailevent_payload_age_idx"),
        ),
    ]
