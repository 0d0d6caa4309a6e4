"""Migrations that do not stop sending: schema operations that take no long exclusive lock on a big table.

`Delivery` and `EmailEvent` grow by one row per reader and edition; a plain CREATE INDEX on them blocks every claim,
webhook and admin write until it finishes. On PostgreSQL these operations build indexes CONCURRENTLY (the migration
that uses them sets `atomic = False`); on SQLite (local runs, a small database) they fall back to the plain form.
tests/project/test_migration_safety.py lists the operations a new migration on those tables must not use.
"""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexWithoutLock(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


def drop_like_index(table: str, column: str):
    """A RunPython pair dropping the `_like` (varchar_pattern_ops) index PostgreSQL makes beside the plain or unique
    index of a `db_index=True` or `unique=True` CharField: only LIKE 'prefix%' uses it, and every write updates it.
    The field keeps its plain index. (An AlterField that later changes the column's type makes it again.)"""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            like = schema_editor._create_index_name(table, [column], suffix="_like")
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(like)}")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            like = schema_editor._create_index_name(table, [column], suffix="_like")
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(like)} "
                f"ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
            )

    return forwards, backwards


#: Tables that grow with every edition and reader: a lock held on them stops claims, webhooks and the admin.
BIG_MODELS = {("digest", "delivery"), ("digest", "emailevent")}


def risky_operations(app_label: str, operations, state, connection) -> list[str]:
    """What in `operations` (one migration's, applied to the project `state` before it) would hold a long exclusive
    lock on a big table: an index not built concurrently, a CHECK or unique constraint (validated or built under
    the lock), an AlterField that changes the column's type (the table is rewritten)."""
    from django.contrib.postgres.operations import AddConstraintNotValid
    from django.db.migrations import operations as ops

    found = []
    for operation in operations:
        model_name = getattr(operation, "model_name", "").lower()
        if (app_label, model_name) not in BIG_MODELS:
            continue
        where = f"{app_label}.{model_name}: {operation.describe()}"
        if isinstance(operation, ops.AddIndex) and not isinstance(operation, AddIndexConcurrently):
            found.append(f"{where} (not concurrent)")
        elif isinstance(operation, ops.AddConstraint) and not isinstance(operation, AddConstraintNotValid):
            found.append(f"{where} (validated under an exclusive lock)")
        elif isinstance(operation, ops.AlterField):
            old = state.models[app_label, model_name].fields[operation.name]
            if _column_type(old, connection) != _column_type(operation.field, connection):
                found.append(f"{where} (changes the column's type: the table is rewritten)")
    return found


def _column_type(field, connection) -> str | None:
    if field.is_relation:
        return "relation"  # the key's type follows the target's primary key, which these models never change
    return field.db_parameters(connection)["type"]
