from django.core.management.base import BaseCommand

from digest.personalization.training import retrain_readers


class Command(BaseCommand):
    help = (
        "Retrain every voting reader's relevance model now (the nightly task does it an hour before the daily run; "
        "run_daily does it first when votes arrived since the last training)."
    )

    def handle(self, *args, **options):
        report = retrain_readers()
        self.stdout.write(
            f"{report.readers} readers: {report.trained} trained, {report.cold} cold start (too few votes)"
        )
