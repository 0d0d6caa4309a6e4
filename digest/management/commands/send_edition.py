from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digest.delivery.fanout import SendError, send_edition
from digest.delivery.signals import deliveries_recorded
from digest.management.commands._helpers import parse_date
from digest.models import Edition


class Command(BaseCommand):
    help = "Send an edition to every active subscriber who has not had it (default: the newest edition)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")

    def handle(self, *args, **options):
        on_date = parse_date(options["date"])
        editions = Edition.objects.filter(kind=Edition.Kind.DAILY)
        edition = editions.filter(date=on_date).first() if on_date else editions.order_by("-date").first()
        if edition is None:
            raise CommandError(f"no edition for {on_date or 'any day'}; run build_edition first")
        # In-process sends (no broker) happen inside send_edition: a bar counts them as batches are recorded.
        # With a broker the workers send, and the summary says how much was queued.
        with tqdm(desc=f"sending {edition.date}", unit="email", disable=options["verbosity"] < 1) as bar:

            def advance(sender, sent: int, failed: int, **kwargs) -> None:
                bar.update(sent + failed)

            deliveries_recorded.connect(advance, weak=False)
            try:
                report = send_edition(edition, dry_run=options["dry_run"])
            except SendError as error:
                raise CommandError(str(error)) from None
            finally:
                deliveries_recorded.disconnect(advance)
        if options["dry_run"]:
            self.stdout.write(f"{edition}: would send {report.queued}, {report.already_sent} already sent")
            for label, count in sorted(report.by_variant.items()):
                self.stdout.write(f"  {count:6d}  {label}")
            return
        self.stdout.write(report.summary())
