"""Deliveries, tracking events and the site's switches (approval, pause): read-only for editors."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from digest.admin.common import ReadOnlyAdmin
from digest.models import (
    Delivery,
    EmailEvent,
    SiteSettings,
)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("edition", "subscriber", "status", "language", "paper_count", "attempts", "sent_at")
    list_filter = ("status", "language", "edition")
    search_fields = ("subscriber__email", "message_id", "provider_message_id")
    list_select_related = ("edition", "subscriber")


@admin.register(EmailEvent)
class EmailEventAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "recipient", "occurred_at", "link")
    list_filter = ("event_type",)
    search_fields = ("recipient", "provider_message_id", "url")

    @admin.display(description=_("url"))
    def link(self, event: EmailEvent) -> str:
        if not event.url.startswith(("https://", "http://")):
            return event.url[:80]  # shown, never made a link (a javascript: URL stays text)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', event.url, event.url[:80])


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row of switches; only admins change it (editors may look)."""

    list_display = ("__str__", "editions_need_approval", "sending_paused", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        SiteSettings.current()  # the row exists so there is something to open
        return super().changelist_view(request, extra_context)
