"""Anymail's tracking webhooks behind an HTTP basic-auth challenge.

Anymail answers a bad or missing password with 400, and without a WEBHOOK_SECRET accepts anyone (with a
warning). Providers such as Mailgun and SendGrid send the credentials only after a 401 challenge, and 401/403 is
what monitoring expects, so this view checks the credentials first (the same ANYMAIL WEBHOOK_SECRET) and hands a
request it accepts to anymail's own view. Without a secret nothing is accepted (403): an open webhook lets
anyone suppress or unsubscribe any reader. Anymail's views are reached only through here (they are not routed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from anymail.exceptions import AnymailConfigurationError
from anymail.utils import get_anymail_setting, get_request_basic_auth
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)

_warned_unconfigured = False


def webhook_secrets() -> list[str]:
    """The accepted 'user:password' pairs (ANYMAIL_WEBHOOK_SECRET; anymail also takes a list)."""
    allowed = get_anymail_setting("webhook_secret", default=[])
    return [allowed] if isinstance(allowed, str) and allowed else [s for s in (allowed or []) if s]


def anymail_tracking_view(esp: str) -> Callable | None:
    """Anymail's tracking view for `esp`, looked up by its URL name (mandrill has one combined view). anymail's
    URL module imports every provider's webhook module, Amazon SES's with boto3 (~0.4 s), so it is imported on the
    first webhook, not by every process that loads this module (the app's checks do)."""
    from anymail import urls as anymail_urls

    names = (f"{esp}_tracking_webhook", f"{esp}_webhook")
    for pattern in anymail_urls.urlpatterns:
        if getattr(pattern, "name", None) in names:
            return pattern.callback
    return None


def _text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain")


@csrf_exempt
def tracking_webhook(request: HttpRequest, esp: str) -> HttpResponse:
    view = anymail_tracking_view(esp)
    if view is None:
        return _text("unknown provider", 404)
    allowed = webhook_secrets()
    if not allowed:
        _warn_unconfigured_once()
        return _text("webhooks are not configured", 403)
    given = get_request_basic_auth(request)
    if given is None:
        response = _text("authentication required", 401)
        response["WWW-Authenticate"] = 'Basic realm="newsletter webhooks"'
        return response
    if not any(constant_time_compare(given, secret) for secret in allowed):
        return _text("wrong credentials", 403)
    if not _readable_body(request):
        return _text("malformed body", 400)
    try:
        return view(request)
    except AnymailConfigurationError as error:
        # Mailgun without MAILGUN_WEBHOOK_SIGNING_KEY, say: the events cannot be verified, so none is taken.
        log.error("tracking webhook refused esp=%s: %s", esp, str(error).splitlines()[0])
        return _text("webhooks for this provider are not configured", 403)
    except MALFORMED as error:
        # Anymail reads the body as the provider documents it; anything else (a list where an object belongs,
        # a number for an address) fails in parsing. The event is not stored (record_event is one transaction).
        log.warning("malformed tracking webhook esp=%s error=%s: %s", esp, type(error).__name__, error)
        return _text("malformed body", 400)


#: What parsing a body of the wrong shape raises, in anymail or in record_event.
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def _readable_body(request: HttpRequest) -> bool:
    """A JSON body must be UTF-8 JSON holding an object or a list (form-encoded bodies are left to anymail)."""
    if request.content_type != "application/json":
        return True
    try:
        document = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(document, dict | list)


def _warn_unconfigured_once() -> None:
    global _warned_unconfigured
    if not _warned_unconfigured:
        _warned_unconfigured = True
        log.error("tracking webhook refused: ANYMAIL_WEBHOOK_SECRET is not set, so every webhook POST gets 403")
