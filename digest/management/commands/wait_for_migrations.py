import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = (
        "Wait until the database exists and every migration is applied (the web container migrates): workers "
        "and beat started alongside it would otherwise query tables that are not there yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=300, help="seconds to wait (default 300)")
        parser.add_argument("--interval", type=float, default=2, help="seconds between checks (default 2)")

    def handle(self, *args, **options):
        deadline = time.monotonic() + options["timeout"]
        while True:
            pending = _pending()
            if pending == 0:
                self.stdout.write("migrations applied")
                return
            if time.monotonic() >= deadline:
                what = "the database is not reachable" if pending is None else f"{pending} migrations not applied"
                raise CommandError(f"gave up after {options['timeout']:g} s: {what}")
            time.sleep(options["interval"])


def _pending() -> int | None:
    """Migrations not yet applied, or None while the database cannot be reached."""
    connection = connections["default"]
    try:
        executor = MigrationExecutor(connection)
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        connection.close()
        return None
