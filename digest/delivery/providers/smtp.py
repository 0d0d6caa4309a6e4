"""SMTP through Django's own backend (a self-hoster's Postfix, or a provider's SMTP relay).

SMTP cannot batch per-reader fields and cannot be asked about a Message-ID, so a row in flight when a
worker dies may be sent again (at-least-once, the same Message-ID, which lets receiving systems drop the copy).
"""

from digest.delivery.providers.base import Provider

PROVIDER = Provider(
    name="smtp",
    backends=("django.core.mail.backends.smtp.EmailBackend",),
)
