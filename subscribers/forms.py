"""Forms of the reader-facing pages. Labels are lazy translations; topic names and descriptions are shown
in the page's language by the `topic_name` / `topic_description` template filters."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES
from digest.models import Topic
from subscribers.addresses import normalize_address
from subscribers.interests import KINDS, InvalidInterest, format_list, parse_list, readable_items
from subscribers.models import Subscriber, validate_time_zone
from subscribers.preferences import PAUSE_DAYS
from subscribers.time_zones import grouped_choices


@lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...], selected: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == selected else "", label) for v, label in choices),
    )


class FastSelect(forms.Select):
    """A <select> whose options are rendered once per (choices, selected value) instead of through one
    template per option on every request: with ~600 time zones that made the sign-up page several times
    slower. Only for static, plain-string choices; everything is escaped by format_html."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        selected = "" if value is None else str(value)[:64]
        choices = tuple((str(v), str(label)) for v, label in self.choices)
        attributes = flatatt(self.build_attrs(self.attrs, attrs) | {"name": name})
        return format_html("<select{}>{}</select>", attributes, _options(choices, selected))


@lru_cache(maxsize=256)
def _grouped_options(language: str | None, selected: str) -> str:
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        ((region, _options(tuple(zones), selected)) for region, zones in grouped_choices(selected)),
    )


class TimeZoneSelect(forms.Select):
    """The short list of zones by region (subscribers.time_zones), rendered once per language and selection."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = "" if value is None else str(value)[:64]
        attributes = flatatt(self.build_attrs(self.attrs, attrs) | {"name": name})
        return format_html("<select{}>{}</select>", attributes, _grouped_options(get_language(), selected))


class TopicsField(forms.ModelMultipleChoiceField):
    """Topic checkboxes by slug. Values are checked before any query: a NUL byte or a novel-length value
    is bad input (a validation error), never a database error."""

    def clean(self, value):
        if value and any(not isinstance(v, str) or "\x00" in v or len(v) > 50 for v in value):
            raise forms.ValidationError(_("Choose topics from the list."), code="invalid_choice")
        return super().clean(value)


def _pause_choices() -> list[tuple[int, str]]:
    # A callable, so the labels are translated per request rather than once at import.
    return [(0, _("Do not pause (resume now)"))] + [
        (d, ngettext("%(count)d day", "%(count)d days", d) % {"count": d}) for d in PAUSE_DAYS if d
    ]


def _frequency_choices() -> list[tuple[str, str]]:
    return [
        (Subscriber.Frequency.DAILY.value, _("Every weekday")),
        (Subscriber.Frequency.WEEKLY.value, _("Weekly: the week's top papers, on Monday")),
    ]


class InterestsField(forms.CharField):
    """Keywords, authors or arXiv categories separated by commas; cleaned into a list (subscribers.interests)."""

    def __init__(self, kind: str, **kwargs) -> None:
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 3000)
        kwargs.setdefault("help_text", _("Separate several with commas."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_list(text, self.kind)
        except InvalidInterest as error:
            raise forms.ValidationError(error.message, code="invalid", params=error.params) from None


class ReaderForm(forms.Form):
    """What both the sign-up page and the preference centre ask."""

    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, widget=FastSelect)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=_frequency_choices, initial="daily", widget=forms.RadioSelect, required=False
    )  # not sent (an older form, a script): daily on sign-up, unchanged in the preference centre
    topics = TopicsField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every topic."),
        to_field_name="slug",
    )
    max_papers = forms.IntegerField(label=_("Papers per email"), min_value=1, max_value=50, initial=10)
    delivery_hour = forms.TypedChoiceField(
        label=_("Delivery time"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        initial=7,
        widget=FastSelect,
    )
    # A CharField checked against every IANA zone name; the page offers a short list by region.
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Asia/Taipei",
        validators=[validate_time_zone],
        widget=TimeZoneSelect,
    )
    bilingual = forms.BooleanField(label=_("Also show the English original"), required=False)

    def clean(self) -> dict:
        """The English original beside English is the same text twice: an English reader is never bilingual
        (the page hides the box for English too)."""
        cleaned = super().clean()
        if cleaned.get("language") == "en":
            cleaned["bilingual"] = False
        return cleaned


class PreferencesForm(ReaderForm):
    """The preference centre adds what a reader follows and mutes."""

    follow_keywords = InterestsField("keywords", label=_("Follow keywords"))
    follow_authors = InterestsField("authors", label=_("Follow authors"))
    follow_categories = InterestsField("categories", label=_("Follow arXiv categories (e.g. cs.CL)"))
    mute_keywords = InterestsField("keywords", label=_("Mute keywords"))
    mute_authors = InterestsField("authors", label=_("Mute authors"))
    mute_categories = InterestsField("categories", label=_("Mute arXiv categories"))

    def preferences(self) -> dict:
        """cleaned_data in the shape subscribers.preferences.update_preferences takes."""
        data = dict(self.cleaned_data)
        data["frequency"] = data.get("frequency") or None
        follows = {kind: data.pop(f"follow_{kind}") for kind in KINDS}
        mutes = {kind: data.pop(f"mute_{kind}") for kind in KINDS}
        return {**data, "follows": follows, "mutes": mutes}


class SubscribeForm(ReaderForm):
    email = forms.EmailField(label=_("Email"), max_length=254)
    # Honeypot: hidden from people, filled in by simple bots.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    field_order = ["email", "language", "frequency", "topics", "max_papers", "delivery_hour", "time_zone", "bilingual"]

    def clean_email(self) -> str:
        # The one address rule, in the form it is stored and looked up in (subscribers.addresses).
        return normalize_address(self.cleaned_data["email"])


class PauseForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Pause for"),
        coerce=int,
        choices=_pause_choices,
        initial=14,
    )


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("New email address"), max_length=254)

    def clean_new_email(self) -> str:
        return normalize_address(self.cleaned_data["new_email"])


def preferences_initial(subscriber: Subscriber) -> dict:
    return {
        "language": subscriber.language,
        "frequency": subscriber.frequency,
        # A stored side that does not fit the schema (written before it was checked, or by hand) shows what it can;
        # saving the form writes it back whole.
        **{f"follow_{kind}": format_list(readable_items(subscriber.follows, kind)) for kind in KINDS},
        **{f"mute_{kind}": format_list(readable_items(subscriber.mutes, kind)) for kind in KINDS},
        "bilingual": subscriber.bilingual,
        "topics": list(subscriber.topics.all()),
        "max_papers": subscriber.max_papers,
        "time_zone": subscriber.time_zone,
        "delivery_hour": subscriber.delivery_hour,
    }
