from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES
from digest.models import Topic

from .models import Subscriber

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    bilingual = forms.BooleanField(label=_("Also show the English original"), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every topic."),
        to_field_name="slug",
    )
    max_papers = forms.IntegerField(label=_("Papers per email"), min_value=1, max_value=50, initial=10)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Asia/Taipei")
    delivery_hour = forms.TypedChoiceField(
        label=_("Delivery time"), coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], initial=7
    )


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("Email"), max_length=254)
    # Honeypot: hidden from people, filled in by simple bots.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    field_order = ["email", "language", "topics", "max_papers", "bilingual", "time_zone", "delivery_hour"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if any(c in email for c in "\r\n"):
            raise forms.ValidationError(_("Enter a valid email address."))
        return email.strip().lower()


def preferences_initial(subscriber: Subscriber) -> dict:
    return {
        "language": subscriber.language,
        "bilingual": subscriber.bilingual,
        "topics": list(subscriber.topics.all()),
        "max_papers": subscriber.max_papers,
        "time_zone": subscriber.time_zone,
        "delivery_hour": subscriber.delivery_hour,
    }
