"""The time zones the sign-up page and the preference centre offer: a short list by region, each named by a city in
the page's language, instead of all ~600 IANA names (with "Factory" and "localtime" among them). A reader's own
zone is always offered too, listed or not: any IANA zone stays valid (subscribers.models.validate_time_zone)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digest.languages import Language

#: Where a new reader most likely lives, by the variant they read.
DEFAULT_ZONE = {
    Language.ZH_HANT_TW.value: "Asia/Taipei",
    Language.ZH_HANT_HK.value: "Asia/Hong_Kong",
    Language.ZH_HANS.value: "Asia/Shanghai",
    Language.EN.value: "UTC",
}

REGIONS = [
    (_("East and Southeast Asia"), [
        ("Asia/Taipei", _("Taipei")),
        ("Asia/Hong_Kong", _("Hong Kong")),
        ("Asia/Macau", _("Macau")),
        ("Asia/Shanghai", _("China (Beijing time)")),
        ("Asia/Singapore", _("Singapore")),
        ("Asia/Kuala_Lumpur", _("Kuala Lumpur")),
        ("Asia/Bangkok", _("Bangkok")),
        ("Asia/Tokyo", _("Tokyo")),
        ("Asia/Seoul", _("Seoul")),
    ]),
    (_("South Asia, the Middle East and Oceania"), [
        ("Asia/Kolkata", _("India")),
        ("Asia/Dubai", _("Dubai")),
        ("Australia/Perth", _("Perth")),
        ("Australia/Sydney", _("Sydney")),
        ("Pacific/Auckland", _("Auckland")),
    ]),
    (_("Europe"), [
        ("Europe/London", _("London")),
        ("Europe/Paris", _("Paris")),
        ("Europe/Berlin", _("Berlin")),
        ("Europe/Zurich", _("Zurich")),
        ("Europe/Moscow", _("Moscow")),
    ]),
    (_("Americas"), [
        ("America/Vancouver", _("Vancouver")),
        ("America/Los_Angeles", _("Los Angeles, San Francisco")),
        ("America/Denver", _("Denver")),
        ("America/Chicago", _("Chicago")),
        ("America/Toronto", _("Toronto")),
        ("America/New_York", _("New York")),
        ("America/Sao_Paulo", _("São Paulo")),
    ]),
    (_("Other"), [("UTC", _("UTC (no daylight saving)"))]),
]  # fmt: skip

LISTED = {zone for _region, zones in REGIONS for zone, _city in zones}


def grouped_choices(current: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """(region, [(zone, city)]) in the active language; a current zone not in the list comes first, by its name."""
    groups = [(str(region), [(zone, str(city)) for zone, city in zones]) for region, zones in REGIONS]
    if current and current not in LISTED:
        groups.insert(0, (str(_("Your time zone")), [(current, current.replace("_", " "))]))
    return groups
