from django.conf import settings
from django.core.management.base import BaseCommand

from digest.tasks import run_daily


class Command(BaseCommand):
    help = "Run the whole day: fetch -> translate -> build -> send (on the workers when a broker is set)."

    def handle(self, *args, **options):
        run_daily.delay()
        where = "done in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "queued for the workers"
        self.stdout.write(f"daily run {where}")
