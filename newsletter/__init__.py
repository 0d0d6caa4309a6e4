"""Project package: settings, Celery app, URLs."""

from newsletter.celery import app as celery_app

__all__ = ("celery_app",)
