"""Deployment checks (`manage.py check --deploy`) for what the delivery pages rely on."""

from __future__ import annotations

from anymail.utils import get_anymail_setting
from django.conf import settings
from django.core import checks

from digest.delivery.webhooks import webhook_secrets


@checks.register(checks.Tags.security, deploy=True)
def tracking_webhooks_are_authenticated(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Without a webhook secret every tracking POST is refused (403): bounces and complaints go unrecorded."""
    if not webhook_secrets():
        return [
            checks.Error(
                "ANYMAIL_WEBHOOK_SECRET is not set: the provider's tracking webhooks are refused (403), so bounces, "
                "complaints and provider-side unsubscribes are not recorded",
                hint="set ANYMAIL_WEBHOOK_SECRET=user:password and give the provider "
                "https://user:password@<host>/webhooks/<esp>/tracking/",
                id="digest.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def mailgun_webhooks_can_be_verified(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Mailgun signs its webhooks; without the signing key every Mailgun event is refused (403)."""
    if "mailgun" not in settings.EMAIL_BACKEND.lower():
        return []
    if get_anymail_setting("webhook_signing_key", esp_name="mailgun", default=None):
        return []
    return [
        checks.Error(
            "EMAIL_BACKEND is Mailgun but ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY is not set: its tracking webhooks are "
            "refused (403), so bounces and complaints are not recorded",
            hint="copy the HTTP webhook signing key from Mailgun's dashboard into ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY",
            id="digest.E002",
        )
    ]
