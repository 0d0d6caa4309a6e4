from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from subscribers.subscription import ImportFailed, import_subscribers


class Command(BaseCommand):
    help = (
        "Import active subscribers from a CSV with header email,language,topics,bilingual,max_papers "
        "(optionally followed by frequency, follow_keywords, follow_authors, follow_categories, mute_keywords, "
        "mute_authors, mute_categories; lists joined by ;) "
        "(topics: slugs joined by ';', empty for all). Bad rows are reported by line; good rows are kept; a file "
        "that cannot be read to its end imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file")
        parser.add_argument("--dry-run", action="store_true", help="check every row; store nothing")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            report = import_subscribers(path, dry_run=options["dry_run"])
        except ImportFailed as error:
            raise CommandError(f"{path}: {error}") from None
        for line, reason in report.errors:
            self.stderr.write(self.style.WARNING(f"line {line}: {reason}"))
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{verb} {report.created} new, {report.updated} updated, {len(report.errors)} rows rejected")
        if report.errors and not (report.created or report.updated):
            raise CommandError("no row could be imported")
