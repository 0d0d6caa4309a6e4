"""Mailgun's send API (POST /v3/<domain>/messages) on loopback, so the real anymail Mailgun backend runs.

It reads the form the way Mailgun documents it (basic auth `api:<key>`, repeated `to`, `h:` headers, `v:`
custom data, `recipient-variables` for batch sending, at most 1,000 recipients) and answers
`{"id": ..., "message": "Queued. Thank you."}`. With recipient variables each `to` becomes its own
message, with `%recipient.KEY%` replaced everywhere (subject, bodies, headers, custom data): what a
test reads is what each reader would have received.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from email.utils import parseaddr
from urllib.parse import parse_qs

from .http import Delivered, MergingFakeProvider, Reply, Request

API_KEY = "test-mailgun-key"
DOMAIN = "papers.example.org"
MAX_RECIPIENTS = 1000
_VARIABLE = re.compile(r"%recipient\.([^%]+)%")


class FakeMailgun(MergingFakeProvider):
    @property
    def api_url(self) -> str:
        return self.server.url + "/v3"

    def answer(self, request: Request) -> Reply:
        expected = "Basic " + base64.b64encode(f"api:{API_KEY}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return Reply(401, "Forbidden")
        if request.method != "POST" or request.path != f"/v3/{DOMAIN}/messages":
            return Reply(404, {"message": "Domain not found"})
        if not request.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return Reply(400, {"message": "this fake reads url-encoded forms only"})
        form = parse_qs(request.body.decode(), keep_blank_values=True)
        fault = self.fault_for(form)
        if fault is not None:
            return fault
        recipients = form.get("to", [])
        if not recipients:
            return Reply(400, {"message": "'to' parameter is missing"})
        if len(recipients) > MAX_RECIPIENTS:
            return Reply(400, {"message": "Too many recipients"})
        for address in recipients:
            if "@" not in parseaddr(address)[1]:
                return Reply(400, {"message": "to parameter is not a valid address. please check documentation"})
        try:
            variables = json.loads(form.get("recipient-variables", ["{}"])[0])
        except ValueError:
            return Reply(400, {"message": "recipient-variables parameter is not a valid JSON"})
        message_id = f"<{uuid.uuid4().hex}@{DOMAIN}>"
        messages = [self._deliver(form, parseaddr(a)[1], variables, message_id) for a in recipients]
        self.accept(messages)
        return Reply(200, {"id": message_id, "message": "Queued. Thank you."})

    @staticmethod
    def _deliver(form: dict, address: str, variables: dict, message_id: str) -> Delivered:
        mine = {key: str(value) for key, value in variables.get(address, {}).items()}

        def substitute(value: str) -> str:
            return _VARIABLE.sub(lambda m: mine.get(m.group(1), m.group(0)), value)

        def first(name: str) -> str:
            return substitute(form.get(name, [""])[0])

        return Delivered(
            to=address,
            subject=first("subject"),
            text=first("text"),
            html=first("html"),
            headers={key[2:]: substitute(values[0]) for key, values in form.items() if key.startswith("h:")},
            custom_data={key[2:]: substitute(values[0]) for key, values in form.items() if key.startswith("v:")},
            message_id=message_id,
        )

    @staticmethod
    def addresses_in(form: dict) -> list[str]:
        return [parseaddr(address)[1] for address in form.get("to", [])]

    @staticmethod
    def refusal(message: str) -> Reply:
        return Reply(400, {"message": message})

    def configure(self, settings) -> None:
        """Points the real anymail Mailgun backend at this server."""
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {
            "MAILGUN_API_KEY": API_KEY,
            "MAILGUN_API_URL": self.api_url,
            "MAILGUN_SENDER_DOMAIN": DOMAIN,
        }
