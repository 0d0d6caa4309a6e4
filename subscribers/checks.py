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


#: Keys that have been published (in this repository's history, its compose file, or as the DEBUG key):
#: whoever has one can sign any reader's preference and unsubscribe links.
PUBLISHED_SECRET_KEYS = frozenset(
    {
        "insecure-development-key-change-me-in-production-0123456789",
        "change-me-in-production",
        getattr(settings, "DEVELOPMENT_SECRET_KEY", ""),
    }
    - {""}
)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_not_published(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Signed reader links are only as secret as SECRET_KEY; a key anyone can read signs for anyone."""
    if settings.SECRET_KEY in PUBLISHED_SECRET_KEYS:
        return [
            checks.Error(
                "SECRET_KEY is a published development value: anyone can sign preference and unsubscribe links",
                hint="set SECRET_KEY to a long random value, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'",
                id="subscribers.E001",
            )
        ]
    return []
