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
    """The whole day at DAILY_RUN_HOUR; local-morning sends every 15 minutes; a sweeper every 5."""
    from django.conf import settings

    sender.conf.beat_schedule = {
        "run-daily": {
            "task": "digest.tasks.run_daily",
            "schedule": crontab(hour=settings.DAILY_RUN_HOUR, minute=settings.DAILY_RUN_MINUTE),
        },
        "build-weekly": {
            "task": "digest.tasks.build_weekly",
            "schedule": crontab(day_of_week="mon", hour=settings.DAILY_RUN_HOUR, minute=settings.DAILY_RUN_MINUTE),
        },
        # What readers' 👍/👎 taught, learned in bulk before the day's editions are picked per reader.
        "retrain-readers": {
            "task": "digest.tasks.retrain_readers",
            "schedule": crontab(hour=(settings.DAILY_RUN_HOUR - 1) % 24, minute=settings.DAILY_RUN_MINUTE),
        },
        # History past the retention period, summarized then deleted in small batches, away from the morning's send.
        "prune-history": {
            "task": "digest.tasks.prune_history",
            "schedule": crontab(hour=(settings.DAILY_RUN_HOUR - 3) % 24, minute=settings.DAILY_RUN_MINUTE),
        },
        # Readers' local mornings: whoever's delivery hour has come gets the newest edition.
        "send-due": {"task": "digest.tasks.send_due", "schedule": crontab(minute="*/15")},
        # Rows a killed worker or a lost broker message left behind go round again.
        "resume-stalled": {"task": "digest.tasks.resume_stalled", "schedule": crontab(minute="*/5")},
        "forget-lost-retranslations": {
            "task": "digest.tasks.forget_lost_retranslations",
            "schedule": crontab(minute="*/15"),
        },
    }
