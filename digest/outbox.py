"""The default email backend: each message becomes a new .eml file under EMAIL_OUTBOX_DIR.

Built on anymail's base backend so the sending code sees the same interface (anymail_status, merge
data, errors) as with a real provider. A file is never overwritten: a message sent twice is two files.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from anymail.backends.base import AnymailBaseBackend, BasePayload
from anymail.message import AnymailRecipientStatus
from django.conf import settings


class OutboxEmailBackend(AnymailBaseBackend):
    esp_name = "Outbox"

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.directory = Path(kwargs.pop("outbox_dir", None) or settings.EMAIL_OUTBOX_DIR)
        super().__init__(*args, **kwargs)

    def build_message_payload(self, message, defaults):
        return OutboxPayload(message=message, defaults=defaults, backend=self)

    def post_to_esp(self, payload, message):
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        message_id = uuid.uuid4().hex
        path = self.directory / f"{stamp}-{message_id}.eml"
        with path.open("xb") as handle:  # "x": fail rather than overwrite
            handle.write(message.message().as_bytes(linesep="\r\n"))
        return {"message_id": message_id, "path": str(path)}

    def parse_recipient_status(self, response, payload, message):
        status = AnymailRecipientStatus(message_id=response["message_id"], status="queued")
        return {recipient.addr_spec: status for recipient in payload.recipients}


class OutboxPayload(BasePayload):
    def init_payload(self):
        self.recipients = []

    def set_from_email(self, email):
        pass

    def add_recipient(self, recipient_type, email):
        self.recipients.append(email)

    def set_subject(self, subject):
        pass

    def set_reply_to(self, emails):
        pass

    def set_extra_headers(self, headers):
        pass

    def set_text_body(self, body):
        pass

    def set_html_body(self, body):
        pass

    def add_alternative(self, content, mimetype):
        pass

    def add_attachment(self, attachment):
        pass

    def set_metadata(self, metadata):
        pass

    def set_tags(self, tags):
        pass

    def set_esp_extra(self, extra):
        pass
