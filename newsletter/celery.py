"""The Celery app `newsletter`: `celery -A newsletter worker`, `celery -A newsletter beat`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")

app = Celery("newsletter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_daily_run(sender: Celery, **_: object) -> None:
    """One beat entry: the whole day (fetch, translate, build, send) at DAILY_RUN_HOUR local time."""
    from django.conf import settings

    sender.conf.beat_schedule = {
        "run-daily": {
            "task": "digest.tasks.run_daily",
            "schedule": crontab(hour=settings.DAILY_RUN_HOUR, minute=settings.DAILY_RUN_MINUTE),
        }
    }
