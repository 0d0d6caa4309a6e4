"""anymail's test backend, minus its in-memory outbox: it keeps a count, not the messages, so a
benchmark of 100k sends measures sending, not a growing list."""

from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core import mail


class CountingTestBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        mail.outbox.clear()
        return response

    def get_esp_message_id(self, message):
        return message.extra_headers.get("Message-ID", "")
