from celery import chain
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digest import daily
from digest.management.commands._helpers import set_total
from digest.tasks import after_fetch


class Command(BaseCommand):
    help = (
        "Run the whole day: fetch -> translate -> build -> send (translate and send on the workers when a broker "
        "is set). Exits non-zero when every source failed."
    )

    def handle(self, *args, **options):
        # The fetch runs here, not on a worker, so that the exit status can say whether it worked.
        with tqdm(desc="fetching", unit="source", disable=options["verbosity"] < 1) as bar:
            report = daily.fetch_enabled_sources(progress=lambda slug: bar.update(1), on_total=set_total(bar))
        for result in report.results:
            self.stdout.write(result.summary())
        for error in report.errors:
            self.stderr.write(self.style.ERROR(error))
        if report.all_failed:
            raise CommandError(f"every source failed ({len(report.errors)}); the admins were mailed")
        retrained = daily.retrain_if_due()
        if retrained is not None:
            self.stdout.write(f"readers' models retrained first: {retrained.trained} trained, {retrained.cold} cold")
        next_date = daily.edition_date_to_build()
        chain(*after_fetch(next_date.isoformat() if next_date else None)).delay()
        where = "done in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "queued for the workers"
        self.stdout.write(f"daily run {where}")

