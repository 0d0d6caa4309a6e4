"""Amazon SES v2's API on loopback (boto3's "sesv2" client, pointed here through anymail's
AMAZON_SES_CLIENT_PARAMS endpoint_url), so the real anymail SES backend and boto3 run unchanged:

- `POST /v2/email/outbound-emails` (SendEmail): the raw MIME message, base64 in JSON, as anymail sends it;
- `GET /v2/email/account` (GetAccount): the account's SendQuota, MaxSendRate included.

Requests must be signed (SigV4) with the test access key. Errors come the way SES v2 sends them: an HTTP status and
the error's name in `x-amzn-ErrorType`. `faults` decides per send whether to answer with one instead.
"""

from __future__ import annotations

import base64
import email
import json
import time
import uuid
from email import policy
from email.message import EmailMessage

from .http import FakeProvider, Reply, Request

ACCESS_KEY = "AKIDLOOPBACKTEST"
SECRET_KEY = "loopback-test-secret"
REGION = "us-east-1"


def ses_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"message": message}, headers={"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/"})


def message_rejected(message: str = "Email address is not verified.") -> Reply:
    return ses_error(400, "MessageRejected", message)


def too_many_requests() -> Reply:
    return ses_error(429, "TooManyRequestsException", "Maximum sending rate exceeded.")


class FakeSES(FakeProvider):
    def __init__(self, faults=None, latency: float = 0.0, max_send_rate: float = 14.0) -> None:
        super().__init__(faults, latency)
        self.max_send_rate = max_send_rate
        self.accepted: list[dict] = []  # {"to", "message" (the parsed MIME), "message_id", "at"}
        self.account_requests = 0
        self.account_fault: Reply | None = None

    @property
    def endpoint_url(self) -> str:
        return self.server.url

    def anymail_settings(self) -> dict:
        """anymail's settings for a backend talking to this server (no retries inside boto3: the send path retries)."""
        return {
            "AMAZON_SES_SESSION_PARAMS": {
                "aws_access_key_id": ACCESS_KEY,
                "aws_secret_access_key": SECRET_KEY,
                "region_name": REGION,
            },
            "AMAZON_SES_CLIENT_PARAMS": {
                "endpoint_url": self.endpoint_url,
                "config": {"retries": {"total_max_attempts": 1}},
            },
        }

    def environment(self) -> dict[str, str]:
        """The same, as a worker process's environment (README: Amazon SES)."""
        return {
            "EMAIL_BACKEND": "digest.delivery.providers.amazon_ses.EmailBackend",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "ANYMAIL_AMAZON_SES_CLIENT_PARAMS": json.dumps({"endpoint_url": self.endpoint_url}),
        }

    def configure(self, settings) -> None:
        settings.EMAIL_BACKEND = "digest.delivery.providers.amazon_ses.EmailBackend"
        settings.ANYMAIL = {**settings.ANYMAIL, **self.anymail_settings()}

    def answer(self, request: Request) -> Reply:
        if f"Credential={ACCESS_KEY}/" not in request.headers.get("Authorization", ""):
            return ses_error(403, "UnrecognizedClientException", "The security token is invalid")
        if request.method == "GET" and request.path == "/v2/email/account":
            return self.account()
        if request.method == "POST" and request.path == "/v2/email/outbound-emails":
            return self.send_email(request.json())
        return ses_error(404, "NotFoundException", f"no such resource: {request.method} {request.path}")

    def account(self) -> Reply:
        with self._lock:
            self.account_requests += 1
        if self.account_fault is not None:
            return self.account_fault
        return Reply(200, {
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": self.max_send_rate,
                          "SentLast24Hours": float(len(self.accepted))},
            "SendingEnabled": True,
            "ProductionAccessEnabled": True,
            "EnforcementStatus": "HEALTHY",
            "DedicatedIpAutoWarmupEnabled": False,
        })  # fmt: skip

    def send_email(self, payload: dict) -> Reply:
        try:
            raw = base64.b64decode(payload["Content"]["Raw"]["Data"])
            to = payload["Destination"]["ToAddresses"]
        except (KeyError, TypeError, ValueError):
            return ses_error(400, "BadRequestException", "Content.Raw.Data and Destination.ToAddresses are required")
        message = email.message_from_bytes(raw, policy=policy.default)
        fault = self.fault_for(message)
        if fault is not None:
            return fault
        message_id = f"0100{uuid.uuid4().hex}-000000"
        with self._lock:
            self.accepted.append({"to": to, "message": message, "message_id": message_id, "at": time.time()})
        return Reply(200, {"MessageId": message_id})

    def recipients(self) -> list[str]:
        return [address for sent in self.accepted for address in sent["to"]]

    def messages(self) -> list[EmailMessage]:
        return [sent["message"] for sent in self.accepted]
