from django.core.management.base import BaseCommand, CommandError

from digest.delivery.operator import sending_status
from digest.management.commands._helpers import parse_date
from digest.models import Edition


class Command(BaseCommand):
    help = "Show deliveries per status (queued, sending, sent, failed, skipped, suppressed) for an edition."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: the newest edition)")

    def handle(self, *args, **options):
        on_date = parse_date(options["date"])
        edition = (
            Edition.objects.filter(kind=Edition.Kind.DAILY, date=on_date).first()
            if on_date
            else Edition.objects.filter(kind=Edition.Kind.DAILY).first()
        )
        if edition is None:
            raise CommandError(f"no edition for {on_date or 'any day'}")
        status = sending_status(edition)
        self.stdout.write(f"{edition} ({edition.status})")
        for name, count in status.items():
            self.stdout.write(f"  {name:<10} {count}")
