"""Anymail's tracking webhooks behind an HTTP basic-auth challenge.

Anymail answers a bad or missing password with 400. Providers such as Mailgun and SendGrid send the
credentials only after a 401 challenge, and 401/403 is what monitoring expects, so this view checks the
credentials first (the same ANYMAIL WEBHOOK_SECRET) and hands a request it accepts to anymail's own view.
"""

from __future__ import annotations

from anymail.utils import get_anymail_setting, get_request_basic_auth
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def tracking_webhook(request: HttpRequest, esp: str) -> HttpResponse:
    try:
        view = resolve(reverse(f"anymail:{esp}_tracking_webhook")).func
    except (NoReverseMatch, Resolver404):
        return HttpResponse("unknown provider", status=404, content_type="text/plain")
    allowed = get_anymail_setting("webhook_secret", default=[])
    allowed = [allowed] if isinstance(allowed, str) and allowed else list(allowed or [])
    if allowed:
        given = get_request_basic_auth(request)
        if given is None:
            response = HttpResponse("authentication required", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Basic realm="newsletter webhooks"'
            return response
        if not any(constant_time_compare(given, secret) for secret in allowed):
            return HttpResponse("wrong credentials", status=403, content_type="text/plain")
    return view(request)
