"""Events carry their delivery's edition, so an edition's results read its events through an index instead of
joining every event ever recorded with the edition's deliveries.

Nothing here holds a long lock on the events table: the column is nullable (no rewrite) and has no foreign key
constraint (its validation would scan the table under a lock); the index is built CONCURRENTLY; the existing
events get their edition in batches of BATCH rows, each its own short transaction (atomic = False).
"""

import django.db.models.deletion
from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock

BATCH = 10_000


def carry_editions(apps, schema_editor):
    EmailEvent = apps.get_model("digest", "EmailEvent")
    last = EmailEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, last + 1, BATCH):
            cursor.execute(
                "UPDATE digest_emailevent SET edition_id = (SELECT d.edition_id FROM digest_delivery d "
                "WHERE d.id = digest_emailevent.delivery_id) "
                "WHERE id >= %s AND id < %s AND delivery_id IS NOT NULL AND edition_id IS NULL",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("digest", "0022_edition_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="emailevent",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="digest.edition",
                verbose_name="edition",
            ),
        ),
        migrations.RunPython(carry_editions, migrations.RunPython.noop, atomic=False, elidable=True),
        AddIndexWithoutLock(
            model_name="emailevent",
            index=models.Index(fields=["edition", "event_type"], name="emailevent_edition_type_idx"),
        ),
    ]
