"""The test database is made cheap to empty and to commit to: it is a scratch copy, thrown away after the run.

- Django's flush (after every `transaction=True` test) truncates every table; on PostgreSQL a TRUNCATE makes new
  files for each table, 0.3-0.6 s for this project's tables each time, against milliseconds to DELETE the handful
  of rows a test leaves, sent as one statement (one round trip). Django's foreign keys on PostgreSQL are
  DEFERRABLE INITIALLY DEFERRED and flush runs in one transaction, so the tables can be emptied in any order. A
  flush that resets sequences (reset_sequences=True) keeps Django's own SQL.
- The test database commits without waiting for the disk (synchronous_commit off, set on the database so the
  worker processes tests start get it too): a crash of the machine could lose the last commits of a database
  that is dropped anyway, and each of the thousands of commits no longer waits for an fsync.
"""

from __future__ import annotations

from django.db.backends.postgresql.operations import DatabaseOperations

_truncating_flush = DatabaseOperations.sql_flush


def _deleting_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or not tables:
        return _truncating_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    deletes = " ".join(
        f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    )
    return [f"SET CONSTRAINTS ALL DEFERRED; {deletes}"]


def install() -> None:
    DatabaseOperations.sql_flush = _deleting_flush


def commit_without_waiting(connection) -> None:
    """Sets synchronous_commit off for the (test) database `connection` is to, for every later connection."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                           "SET synchronous_commit TO off")  # fmt: skip
        connection.close()
