"""Deployment checks (`manage.py check --deploy`) for what the sign-up pages rely on."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Sign-up rate limits count in the default cache; a per-process cache lets each worker count alone."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                f"the default cache ({backend}) is not shared between processes, so sign-up rate limits are per "
                "process",
                hint="set CACHE_URL to a shared cache, e.g. redis://redis:6379/2",
                id="subscribers.W001",
            )
        ]
    return []
