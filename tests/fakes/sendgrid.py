"""SendGrid's v3 send API (POST /v3/mail/send) on loopback, so the real anymail SendGrid backend runs unchanged.

It checks a request the way SendGrid documents it (bearer key, at most 1,000 personalizations and
recipients, string substitutions under 10,000 bytes per personalization, no reserved headers) and
answers 202 with an X-Message-Id. Each accepted personalization is "delivered" the way SendGrid does it:
substitutions applied to the subject and every content part, its own headers over the message's. So a
test reads what each reader would really have received from one batched request.
"""

from __future__ import annotations

import json
import uuid

from .http import Delivered, MergingFakeProvider, Reply, Request

API_KEY = "test-sendgrid-key"
MAX_PERSONALIZATIONS = 1000
MAX_SUBSTITUTION_BYTES = 10_000
RESERVED_HEADERS = {
    "x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type", "content-transfer-encoding",
    "to", "from", "subject", "reply-to", "cc", "bcc",
}  # fmt: skip


def error(status: int, message: str, field: str | None = None) -> Reply:
    return Reply(status, {"errors": [{"message": message, "field": field, "help": None}]})


class FakeSendGrid(MergingFakeProvider):
    @property
    def api_url(self) -> str:
        return self.server.url + "/v3/"

    def answer(self, request: Request) -> Reply:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return error(401, "The provided authorization grant is invalid, expired, or revoked")
        if request.method != "POST" or request.path != "/v3/mail/send":
            return error(404, "not found")
        try:
            payload = request.json()
        except ValueError:
            return error(400, "Bad Request")
        fault = self.fault_for(payload)
        if fault is not None:
            return fault
        problem = validate(payload)
        if problem is not None:
            return problem
        messages = [
            deliver(payload, personalization, recipient)
            for personalization in payload["personalizations"]
            for recipient in personalization["to"]
        ]
        self.accept(messages)
        return Reply(202, b"", headers={"X-Message-Id": uuid.uuid4().hex[:22]})

    @staticmethod
    def addresses_in(payload: dict) -> list[str]:
        return [to["email"] for personalization in payload["personalizations"] for to in personalization["to"]]

    @staticmethod
    def refusal(message: str) -> Reply:
        return error(400, message, "personalizations.0.to.0.email")

    def configure(self, settings) -> None:
        """Points the real anymail SendGrid backend at this server."""
        settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
        settings.ANYMAIL = {"SENDGRID_API_KEY": API_KEY, "SENDGRID_API_URL": self.api_url}


def validate(payload: dict) -> Reply | None:
    personalizations = payload.get("personalizations")
    if not isinstance(personalizations, list) or not 1 <= len(personalizations) <= MAX_PERSONALIZATIONS:
        return error(400, "The personalizations field is required and must have at least 1 and at most 1000 items.",
                     "personalizations")  # fmt: skip
    if sum(len(p.get("to", [])) + len(p.get("cc", [])) + len(p.get("bcc", [])) for p in personalizations) > 1000:
        return error(400, "The total number of recipients must be no more than 1000.", "personalizations")
    if not (payload.get("from") or {}).get("email"):
        return error(400, "The from email does not contain a valid address.", "from.email")
    content = payload.get("content") or []
    if not content:
        return error(400, "Unless a valid template_id is provided, the content parameter is required.", "content")
    if content[0].get("type") != "text/plain" and any(part.get("type") == "text/plain" for part in content):
        return error(400, "If present, text/plain content must be first.", "content")
    for name in payload.get("headers", {}):
        if name.lower() in RESERVED_HEADERS:
            return error(400, f"The header {name} is reserved.", "headers")
    for index, personalization in enumerate(personalizations):
        if not personalization.get("to"):
            return error(400, "The to array is required for all personalization objects.",
                         f"personalizations.{index}.to")  # fmt: skip
        for position, recipient in enumerate(personalization["to"]):
            if "@" not in recipient.get("email", ""):
                return error(400, "Does not contain a valid address.", f"personalizations.{index}.to.{position}.email")
        substitutions = personalization.get("substitutions", {})
        if any(not isinstance(v, str) for v in substitutions.values()):
            return error(400, "Bad Request", None)  # SendGrid's own cryptic answer to a non-string substitution
        if len(json.dumps(substitutions).encode()) > MAX_SUBSTITUTION_BYTES:
            return error(400, "The total size of substitutions may not exceed 10000 bytes per personalization.",
                         f"personalizations.{index}.substitutions")  # fmt: skip
        for name in personalization.get("headers", {}):
            if name.lower() in RESERVED_HEADERS:
                return error(400, f"The header {name} is reserved.", f"personalizations.{index}.headers")
        if not (personalization.get("subject") or payload.get("subject")):
            return error(400, "The subject is required.", "subject")
    return None


def deliver(payload: dict, personalization: dict, recipient: dict) -> Delivered:
    substitutions = personalization.get("substitutions", {})

    def substitute(value: str) -> str:
        for tag, replacement in substitutions.items():
            value = value.replace(tag, replacement)
        return value

    parts = {part["type"]: substitute(part["value"]) for part in payload["content"]}
    custom_data = payload.get("custom_args", {}) | personalization.get("custom_args", {})
    return Delivered(
        to=recipient["email"],
        subject=substitute(personalization.get("subject") or payload["subject"]),
        text=parts.get("text/plain", ""),
        html=parts.get("text/html", ""),
        headers=payload.get("headers", {}) | personalization.get("headers", {}),
        custom_data=custom_data,
        message_id=custom_data.get("anymail_id", ""),  # anymail's own id per reader; SendGrid answers with none
    )
