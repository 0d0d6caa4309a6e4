"""The admin index's status box (templates/admin/index.html): the day's health as `digest.health` reads it."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from digest.health import admin_health

register = template.Library()


@register.filter
def ago(moment: datetime.datetime | None) -> str:
    """How long ago, in the editor's language; under a minute is "just now" (timesince would say "0 minutes")."""
    if moment is None:
        return ""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(since)s ago") % {"since": timesince(moment)}


@register.inclusion_tag("admin/status_box.html", takes_context=True)
def admin_status_box(context: template.Context) -> dict:
    return {"health": admin_health(), "perms": context.get("perms")}
