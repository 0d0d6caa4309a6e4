"""Deliveries, tracking events and the site's switches (approval, pause): read-only for editors.

The editor role has nothing on subscribers, so an editor sees a reader as "#id": no address in a column, a
search, a detail page, a provider's error text or raw event, and no personal link (manage, unsubscribe, ...)
from a click event. Admins, who may read subscribers, see everything.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from digest.admin.big_tables import BigTableAdmin, EventTypeFilter, delivery_search, event_search
from digest.admin.common import ReadOnlyAdmin
from digest.models import (
    Delivery,
    EmailEvent,
    SiteSettings,
)

_ADDRESS_RE = re.compile(r"[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+")
#: Paths of links that carry a reader's token: whoever holds one acts as that reader.
_PERSONAL_PATHS = ("/manage/", "/unsubscribe/", "/resubscribe/", "/feedback/", "/confirm/", "/email/confirm/")


def can_see_subscribers(request) -> bool:
    return request.user.has_perm("subscribers.view_subscriber")


def without_addresses(text: str) -> str:
    """`text` with every email address replaced, for readers of the admin who may not see subscribers."""
    return _ADDRESS_RE.sub("[address]", text or "")


class SubscriberPrivacyAdmin(ReadOnlyAdmin):
    """Shows `private` fields only to users who may view subscribers; others get `shown_instead`."""

    private: tuple[str, ...] = ()
    shown_instead: tuple[str, ...] = ()
    private_search: tuple[str, ...] = ()

    def get_list_display(self, request):
        hidden = () if can_see_subscribers(request) else self.private
        shown = self.shown_instead if not hidden else ()
        return tuple(
            name
            for name in self.list_display
            if name not in hidden and (name in shown or name not in self.shown_instead)
        )

    def get_search_fields(self, request):
        if can_see_subscribers(request):
            return self.search_fields
        return tuple(name for name in self.search_fields if name not in self.private_search)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name not in self.shown_instead]
        if can_see_subscribers(request):
            return fields
        return [name for name in fields if name not in self.private] + list(self.shown_instead)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.shown_instead)


@admin.register(Delivery)
class DeliveryAdmin(BigTableAdmin, SubscriberPrivacyAdmin):
    list_display = ("edition", "subscriber", "reader", "status", "language", "paper_count", "attempts", "sent_at")
    list_filter = ("status", "language", "edition")
    # Exact values only, each through an index (digest.admin.big_tables.delivery_search).
    search_fields = ("=subscriber__email", "=message_id", "=provider_message_id")
    list_select_related = ("edition", "subscriber")
    private = ("subscriber", "last_error")
    shown_instead = ("reader", "error")
    private_search = ("subscriber__email",)

    search_help_text = _("an exact provider message id, Message-ID or (for admins) address")

    def get_search_results(self, request, queryset, search_term):
        found = delivery_search(search_term, by_address=can_see_subscribers(request))
        return (queryset if found is None else queryset.filter(found)), False

    @admin.display(description=_("reader"))
    def reader(self, delivery: Delivery) -> str:
        return f"#{delivery.subscriber_id}"

    @admin.display(description=_("last error"))
    def error(self, delivery: Delivery) -> str:
        return without_addresses(delivery.last_error)


@admin.register(EmailEvent)
class EmailEventAdmin(BigTableAdmin, SubscriberPrivacyAdmin):
    list_display = ("event_type", "recipient", "occurred_at", "link")
    list_filter = (EventTypeFilter,)
    # Exact values only, found through the deliveries' indexes (digest.admin.big_tables.event_search).
    search_fields = ("=recipient", "=provider_message_id")
    search_help_text = _("an exact provider message id, Message-ID or (for admins) address")
    private = ("recipient", "raw", "description", "url")
    shown_instead = ("reason", "public_link")
    private_search = ("recipient", "url")

    def get_list_display(self, request):
        return self.list_display if can_see_subscribers(request) else ("event_type", "occurred_at", "public_link")

    def get_search_results(self, request, queryset, search_term):
        found = event_search(search_term, by_address=can_see_subscribers(request))
        return (queryset if found is None else queryset.filter(found)), False

    @admin.display(description=_("description"))
    def reason(self, event: EmailEvent) -> str:
        return without_addresses(event.description)

    @admin.display(description=_("url"))
    def link(self, event: EmailEvent) -> str:
        if not event.url.startswith(("https://", "http://")):
            return event.url[:80]  # shown, never made a link (a javascript: URL stays text)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', event.url, event.url[:80])

    @admin.display(description=_("url"))
    def public_link(self, event: EmailEvent) -> str:
        """The clicked link, unless it is one of a reader's personal links (it would let the viewer act as them)."""
        path = event.url.removeprefix(settings.SITE_URL)
        if path != event.url and path.startswith(_PERSONAL_PATHS):
            return path.split("/")[1] and f"/{path.split('/')[1]}/…"
        return self.link(event)


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
