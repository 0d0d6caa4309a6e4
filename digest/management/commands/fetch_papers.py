from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digest.daily import fetch_enabled_sources
from digest.management.commands._helpers import set_total
from digest.models import Source
from digest.papers.ingest import ingest_document
from digest.sources import FeedError


class Command(BaseCommand):
    help = "Fetch new papers from every enabled source, one source, or a local file."

    def add_arguments(self, parser):
        parser.add_argument("--source", metavar="SLUG", help="fetch only this source")
        parser.add_argument("--file", metavar="PATH", help="read a saved feed document instead of fetching")
        parser.add_argument("--kind", choices=[k for k, _ in Source.Kind.choices], help="the kind of --file")

    def handle(self, *args, **options):
        if options["file"]:
            if not options["kind"]:
                raise CommandError("--file needs --kind arxiv_rss|arxiv_api|hf_daily")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            try:
                result = ingest_document(path.read_bytes(), options["kind"])
            except FeedError as error:
                raise CommandError(f"{path}: {error.reason}") from None
            self._report_skips(result)
            self.stdout.write(result.summary().replace(options["kind"], path.name, 1))
            if not result.total:
                self.stderr.write(self.style.WARNING(f"{path.name} holds no papers"))
            return
        if options["source"] and not Source.objects.filter(slug=options["source"]).exists():
            raise CommandError(f"no source with slug {options['source']!r}")
        with tqdm(desc="fetching", unit="source", disable=options["verbosity"] < 1) as bar:
            report = fetch_enabled_sources(
                options["source"],
                progress=lambda slug: bar.set_postfix_str(slug) or bar.update(1),
                on_total=set_total(bar),
            )
        for result in report.results:
            self._report_skips(result)
            self.stdout.write(result.summary())
        for error in report.errors:
            self.stderr.write(self.style.ERROR(error))
        if report.errors and not report.results:
            raise CommandError(f"every source failed ({len(report.errors)})")

    def _report_skips(self, result):
        for number, reason in result.skipped:
            self.stderr.write(self.style.WARNING(f"item {number} skipped: {reason}"))
