"""The admin index's status box (templates/admin/index.html): the day's health as `digest.health` reads it."""

from __future__ import annotations

from django import template

from digest.health import admin_health

register = template.Library()


@register.inclusion_tag("admin/status_box.html", takes_context=True)
def admin_status_box(context: template.Context) -> dict:
    return {"health": admin_health(), "perms": context.get("perms")}
