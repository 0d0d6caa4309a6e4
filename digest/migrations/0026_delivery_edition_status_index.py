"""An index on Delivery (edition, status), built CONCURRENTLY on PostgreSQL, in place of the edition's own index.

An edition's failed deliveries (the results page's failure reasons) were found by intersecting the edition's index
with the status index, whose failed entries grow with every edition ever sent (500,000 at a year of 100k readers);
through (edition, status) they are the edition's own entries only. The single-column index on the edition goes
(DROP INDEX CONCURRENTLY): the unique (edition, subscriber) key and this index both begin with the edition, so it
served nothing they do not, and a delivery's status change already writes a new entry in every index of the table.
"""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock

TABLE, COLUMN = "digest_delivery", "edition_id"


def _concurrently(schema_editor) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def drop_edition_index(apps, schema_editor):
    name = schema_editor.quote_name(schema_editor._create_index_name(TABLE, [COLUMN]))
    schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {name}")


def make_edition_index(apps, schema_editor):
    quote = schema_editor.quote_name
    name = quote(schema_editor._create_index_name(TABLE, [COLUMN]))
    schema_editor.execute(
        f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {name} ON {quote(TABLE)} ({COLUMN})"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("digest", "0025_emailevent_payload_age_index"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="delivery",
            index=models.Index(fields=["edition", "status"], name="delivery_edition_status_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="delivery",
                    name="edition",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="deliveries",
                        to="digest.edition",
                        verbose_name="edition",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_edition_index, make_edition_index, atomic=False)],
        ),
    ]
