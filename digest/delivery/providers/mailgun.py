"""Mailgun: batches (recipient-variables, up to 1,000 readers a request); cannot be asked about a message."""

from digest.delivery.providers.base import MergeProfile, Provider, marked_name


def mailgun_variable(name: str, marker: str) -> str:
    return f"%recipient.{marked_name(name, marker)}%"


# Mailgun replaces %recipient.NAME% from each reader's recipient-variables, in bodies and headers.
PROVIDER = Provider(
    name="mailgun",
    backends=("anymail.backends.mailgun.EmailBackend",),
    merge=MergeProfile(max_recipients=1000, field_in_body=mailgun_variable, merge_key=marked_name),
)
