"""Migrations on the big tables (Delivery, EmailEvent) never hold a long exclusive lock, and migrate waits for a
lock only so long (digest/schema_changes.py, digest/management/commands/migrate.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from digest.schema_changes import AddIndexWithoutLock, risky_operations

#: Migrations up to this number were reviewed when the guard came; every later one on digest is checked.
REVIEWED_UP_TO = 21


def _new_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label == "digest" and name[:4].isdigit() and int(name[:4]) > REVIEWED_UP_TO:
            yield loader, app_label, name, migration


def _state_before(app_label: str, name: str):
    return MigrationLoader(None, ignore_no_migrations=True).project_state((app_label, name), at_end=False)


def test_new_migrations_take_no_long_lock_on_deliveries_or_events():
    found = []
    for loader, app_label, name, migration in _new_migrations():
        state = loader.project_state((app_label, name), at_end=False)
        found += [f"{name}: {item}" for item in risky_operations(app_label, migration.operations, state, connection)]
    assert found == [], "use AddIndexWithoutLock, AddConstraintNotValid + a later validation, or a new column:\n" + (
        "\n".join(found)
    )


def test_a_plain_index_a_check_constraint_and_a_type_change_on_deliveries_are_listed():
    state = _state_before("digest", "0021_history_indexes")
    operations = [
        migrations.AddIndex("delivery", models.Index(fields=["sent_at"], name="delivery_sent_idx")),
        migrations.AddConstraint(
            "emailevent", models.CheckConstraint(condition=~models.Q(event_type=""), name="event_type_given")
        ),
        migrations.AlterField("delivery", "message_id", models.TextField(blank=True)),
        migrations.AlterField("delivery", "message_id", models.CharField(max_length=300, blank=True, help_text="x")),
        AddIndexWithoutLock("delivery", models.Index(fields=["lease_until"], name="delivery_lease_idx")),
        migrations.AddIndex("edition", models.Index(fields=["sent_at"], name="edition_sent_idx")),
    ]
    found = risky_operations("digest", operations, state, connection)
    assert len(found) == 3
    assert "not concurrent" in found[0] and "delivery_sent_idx" in found[0]
    assert "event_type_given" in found[1]
    assert "message_id" in found[2] and "type" in found[2]


def test_the_provider_id_index_is_built_concurrently():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations["digest", "0021_history_indexes"]
    assert migration.atomic is False
    assert any(isinstance(op, AddIndexWithoutLock) for op in migration.operations)


@pytest.mark.django_db(transaction=True)
def test_migrate_waits_for_a_lock_only_so_long_on_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    settings.MIGRATION_LOCK_TIMEOUT = "3s"
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "3s"
