"""anymail's test backend, minus its in-memory outbox: it keeps a count, not the messages, so a
benchmark of 100k sends measures sending, not a growing list."""

import os
import threading
import time

from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core import mail


class CountingTestBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        mail.outbox.clear()
        return response

    def get_esp_message_id(self, message):
        return message.extra_headers.get("Message-ID", "")


class SendLogBackend(CountingTestBackend):
    """The counting backend that also notes who was mailed and when: one line per message, the time the send
    began (time.time()) and the recipient, appended to $BENCH_SEND_LOG.<pid>. A benchmark reads the lines back to
    tell who got how many messages, and whether any left after that reader's unsubscribe was answered."""

    _lock = threading.Lock()
    _files: dict[int, object] = {}

    def post_to_esp(self, payload, message):
        began = time.time()
        response = super().post_to_esp(payload, message)
        lines = "".join(f"{began:.6f}\t{recipient}\n" for recipient in message.to)
        with self._lock:
            log = self._files.get(os.getpid())
            if log is None:
                path = f"{os.environ['BENCH_SEND_LOG']}.{os.getpid()}"
                log = self._files[os.getpid()] = open(path, "a", buffering=1)  # line-buffered: kept per process
            log.write(lines)
        return response
