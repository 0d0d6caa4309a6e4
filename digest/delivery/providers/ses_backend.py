"""anymail's Amazon SES backend with one boto3 client per process (EMAIL_BACKEND names it as
digest.delivery.providers.amazon_ses.EmailBackend, which loads this module on first use).

anymail makes a client for every connection opened, about 80 ms of CPU each (boto3 loads the service's model and
endpoint rules), and the send path opens one per sending thread and batch. A botocore client is safe to share
between threads.
"""

from __future__ import annotations

import json
import threading

from anymail.backends.amazon_ses import EmailBackend as AnymailSESBackend
from django.conf import settings

_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


class EmailBackend(AnymailSESBackend):
    """anymail's Amazon SES backend, its boto3 client made once per process and settings, and kept open."""

    def open(self) -> bool:
        if self.client:
            return False
        key = _settings_key()
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = _new_client(self)
                # botocore fills its defaults into the settings' own dicts (retries gets a mode) as it makes a client
                _clients[_settings_key()] = client
        self.client = client
        return True

    def close(self) -> None:
        self.client = None  # shared: left open for the process's next connection


def _settings_key() -> str:
    """What a client is made from: anymail's AMAZON_SES_* settings (tests point them at other servers)."""
    return json.dumps({k: v for k, v in settings.ANYMAIL.items() if k.startswith("AMAZON_SES")}, default=str)


def _new_client(backend: AnymailSESBackend):
    """anymail's own open(), which reads the session and client parameters from its settings."""
    fresh = AnymailSESBackend(fail_silently=backend.fail_silently)
    fresh.open()
    return fresh.client


