"""Deployment checks (`manage.py check --deploy`) for what the delivery pages rely on."""

from __future__ import annotations

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
