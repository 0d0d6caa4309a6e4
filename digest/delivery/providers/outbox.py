"""The default email backend: each message becomes a new .eml file under EMAIL_OUTBOX_DIR.

Built on anymail's base backend so the sending code sees the same interface (anymail_status, merge
data, errors) as with a real provider. A file is never overwritten: a message sent twice is two files.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from anymail.backends.base import AnymailBaseBackend, BasePayload
from anymail.message import AnymailRecipientStatus
from django.conf import settings

from digest.delivery.providers.base import Provider, sent_through_backend


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
        unique = uuid.uuid4().hex[:12]
        path = self.directory / f"{stamp}-{unique}-{_digest(message.extra_headers.get('Message-ID', ''))}.eml"
        # Written aside, then linked into place: a worker killed mid-write leaves no half message, and
        # os.link fails rather than overwrite an existing file.
        partial = self.directory / f".{unique}.partial"
        partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
        os.link(partial, path)
        partial.unlink()
        return {"message_id": f"{stamp}-{unique}", "path": str(path)}

    def find_sent(self, message_id: str) -> str:
        """The outbox id of a message already written with this Message-ID, or "" (see sending.already_sent)."""
        if not message_id or not self.directory.exists():
            return ""
        found = next(iter(self.directory.glob(f"*-{_digest(message_id)}.eml")), None)
        return found.name.rsplit("-", 1)[0] if found else ""

    def parse_recipient_status(self, response, payload, message):
        status = AnymailRecipientStatus(message_id=response["message_id"], status="queued")
        return {recipient.addr_spec: status for recipient in payload.recipients}


def _digest(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:16] if message_id else "no-message-id"


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


PROVIDER = Provider(
    name="outbox",
    backends=("digest.delivery.providers.outbox.OutboxEmailBackend",),
    find_sent=sent_through_backend,
    exactly_once="exactly once: an in-doubt row is looked up by its Message-ID among the written files",
)
