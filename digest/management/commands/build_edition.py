from django.core.management.base import BaseCommand, CommandError

from digest.editions.build import EditionError, build_edition
from digest.management.commands._helpers import parse_date
from digest.papers.selectors import latest_announcement_date


class Command(BaseCommand):
    help = "Build the edition of a day: featured first, then ranked (default: the latest announcement day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD")
        parser.add_argument("--max-papers", type=int, help="cap on papers in the edition")

    def handle(self, *args, **options):
        on_date = parse_date(options["date"]) or latest_announcement_date()
        if on_date is None:
            raise CommandError("no papers stored yet; run fetch_papers first")
        if options["max_papers"] is not None and options["max_papers"] < 1:
            raise CommandError("--max-papers must be at least 1")
        try:
            edition = build_edition(on_date, max_papers=options["max_papers"])
        except EditionError as error:
            raise CommandError(str(error)) from None
        count = edition.entries.filter(excluded=False).count()
        self.stdout.write(f"{edition}: {count} papers ({edition.status})")
