"""Sources: where papers come from, when each was last fetched and what it stored, and "Fetch now"."""

from __future__ import annotations

import re

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from digest import daily
from digest.admin.common import one_line
from digest.admin_deletion import WithoutLinkRows
from digest.models import (
    Source,
)

#: What digest.papers.ingest.IngestResult.summary stores (in English, as the command line and logs print it).
_RESULT = re.compile(r"(\d+) new, (\d+) updated, (\d+) unchanged(?:, (\d+) items skipped)?")
_NOT_MODIFIED = "not modified since last fetch"


def result_text(stored: str) -> str:
    """A fetch's stored result in the editor's language (anything else as it was stored)."""
    if stored == _NOT_MODIFIED:
        return gettext("not modified since the last fetch")
    found = _RESULT.fullmatch(stored)
    if found is None:
        return stored
    created, updated, unchanged, skipped = found.groups()
    text = gettext("%(created)s new, %(updated)s updated, %(unchanged)s unchanged") % {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
    }
    return text + (gettext(", %(skipped)s items skipped") % {"skipped": skipped} if skipped else "")


#: Source.last_status as the editor reads it.
STATUS_LABELS = {"ok": _("ok"), "error": _("error")}


class LastStatusFilter(admin.SimpleListFilter):
    title = _("last status")
    parameter_name = "last_status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(last_status=self.value()) if self.value() else queryset


@admin.register(Source)
class SourceAdmin(WithoutLinkRows, admin.ModelAdmin):
    list_display = ("name", "kind", "enabled", "fetched", "outcome")
    list_filter = ("enabled", "kind", LastStatusFilter)
    readonly_fields = ("etag", "last_modified", "last_fetched_at", "status", "result", "last_error")
    exclude = ("last_status", "last_result")
    actions = ["fetch_now", "enable", "disable"]
    change_form_template = "admin/digest/source/change_form.html"

    @admin.display(description=_("last fetched"), ordering="last_fetched_at")
    def fetched(self, source: Source) -> str:
        if source.last_fetched_at is None:
            return gettext("never")
        return date_format(timezone.localtime(source.last_fetched_at), "Y-m-d H:i")

    @admin.display(description=_("last result"), ordering="last_status")
    def outcome(self, source: Source) -> str:
        """What the last fetch did, or the one-line reason it failed."""
        if source.last_status == "error":
            reason = one_line(source.last_error)
            return format_html('<span class="source-error" style="color: #b3261e">✗ {}</span>', reason)
        if source.last_status == "ok":
            return format_html('<span class="source-ok">✓ {}</span>', result_text(source.last_result) or "ok")
        return gettext("never fetched")

    @admin.display(description=_("last status"))
    def status(self, source: Source) -> str:
        return str(STATUS_LABELS.get(source.last_status, source.last_status))

    @admin.display(description=_("last result"))
    def result(self, source: Source) -> str:
        return result_text(source.last_result)

    def changelist_view(self, request, extra_context=None):
        # The result column needs the width; the model list is one click away in the header.
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/fetch/",
                self.admin_site.admin_view(self.fetch_view),
                name="digest_source_fetch",
            ),
            *super().get_urls(),
        ]

    def _queue_fetch(self, request, sources) -> None:
        slugs = daily.queue_fetch(sources)
        for source in sources:
            self.log_change(request, source, "Fetch queued")
        self.message_user(
            request,
            gettext("Fetch queued for %(sources)s; reload in a moment to see the result.")
            % {"sources": ", ".join(slugs)},
            messages.SUCCESS,
        )

    # Fetching changes no setting of a source; it is what the daily run does, earlier. Editors (who may
    # only view sources) can ask for it when a feed was late.
    @admin.action(description=_("Fetch the selected sources now"), permissions=["view"])
    def fetch_now(self, request, queryset):
        self._queue_fetch(request, list(queryset.order_by("slug")))

    def fetch_view(self, request, object_id: str):
        """The "Fetch now" button on a source's page (POST only)."""
        source = self.get_object(request, object_id)
        if source is None or not self.has_view_permission(request, source):
            raise Http404
        if request.method == "POST":
            self._queue_fetch(request, [source])
        return redirect("admin:digest_source_change", source.pk)

    def _set_enabled(self, request, queryset, enabled: bool) -> None:
        for source in queryset:
            source.enabled = enabled
            source.save(update_fields=["enabled"])
            self.log_change(request, source, "Enabled" if enabled else "Disabled")
        count = queryset.count()
        if enabled:
            message = ngettext("%(count)d source enabled.", "%(count)d sources enabled.", count)
        else:
            message = ngettext("%(count)d source disabled.", "%(count)d sources disabled.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Enable the selected sources"), permissions=["change"])
    def enable(self, request, queryset):
        self._set_enabled(request, queryset, True)

    @admin.action(description=_("Disable the selected sources"), permissions=["change"])
    def disable(self, request, queryset):
        self._set_enabled(request, queryset, False)
