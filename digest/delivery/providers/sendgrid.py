"""SendGrid: batches (substitutions, up to 1,000 readers a request); cannot be asked about a message."""

from digest.delivery.email.rendering import placeholder
from digest.delivery.providers.base import MergeProfile, Provider

# SendGrid substitutes each key literally; our placeholders are already unmistakable URLs, so they stay in
# the body as they are (merge_field_format "{}" keeps a configured format from wrapping them).
PROVIDER = Provider(
    name="sendgrid",
    backends=("anymail.backends.sendgrid.EmailBackend",),
    merge=MergeProfile(
        max_recipients=1000,
        field_in_body=placeholder,
        merge_key=placeholder,
        esp_extra=(("merge_field_format", "{}"),),
    ),
)
