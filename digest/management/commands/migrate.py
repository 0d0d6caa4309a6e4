"""`migrate`, with a lock timeout on PostgreSQL: a migration waits at most MIGRATION_LOCK_TIMEOUT (default 5 s) for
a table's lock, then fails (run it again later) instead of queueing every claim, webhook and admin write behind it.

Django's own command runs unchanged; this one only sets `lock_timeout` on the connection first (a session setting,
so it also holds for the non-atomic migrations that build indexes CONCURRENTLY). The test database is migrated
through here too. `--lock-timeout 0` waits as long as it takes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " On PostgreSQL, waits at most MIGRATION_LOCK_TIMEOUT for a table's lock."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lock-timeout",
            default=None,
            help="PostgreSQL lock_timeout for the migration's statements (e.g. 5s; 0: no limit)",
        )

    def handle(self, *args, **options):
        timeout = options["lock_timeout"] or getattr(settings, "MIGRATION_LOCK_TIMEOUT", "5s")
        connection = connections[options["database"]]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, false)", [str(timeout)])
        return super().handle(*args, **options)
