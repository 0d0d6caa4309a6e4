"""The site as the sender of every email, digest or transactional: its name in the reader's variant (the From
display name), its address, and the domain its Message-IDs are made in. One place, so a reader's confirmation
email and their daily email come from the same name, and no Message-ID says @localhost."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr

from django.conf import settings

from digest.languages import Language
from digest.translation.variants import to_variant


def site_name(language: str) -> str:
    return "Daily AI Papers" if language == Language.EN else to_variant(settings.SITE_NAME, language)


def from_email(language: str) -> str:
    """DEFAULT_FROM_EMAIL's address with the site's name in the reader's language and script."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return f"{site_name(language)} <{address}>" if name and language else settings.DEFAULT_FROM_EMAIL


def mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")


def message_id(kind: str) -> str:
    """A fresh Message-ID in the site's mail domain (Django's own would use this machine's host name)."""
    return make_msgid(kind, domain=mail_domain())
