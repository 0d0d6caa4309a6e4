from django.core.management.base import BaseCommand, CommandError

from digest.delivery.operator import retry_failed
from digest.management.commands._helpers import parse_date
from digest.models import Edition


class Command(BaseCommand):
    help = "Send an edition's failed deliveries again (after the cause is fixed)."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD of the edition")

    def handle(self, *args, **options):
        edition = Edition.objects.filter(kind=Edition.Kind.DAILY, date=parse_date(options["date"])).first()
        if edition is None:
            raise CommandError(f"no edition for {options['date']}")
        count = retry_failed(edition)
        self.stdout.write(f"{edition}: {count} failed deliveries queued again")
