"""Subscribers in the admin: search, filters, CSV import and export, manual suppression with a reason.

Only admins (the "admin" group or superusers) have permissions on subscribers; editors see none of it.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from digest.admin_deletion import WithoutLinkRows
from subscribers import status
from subscribers.addresses import normalize_address
from subscribers.importing import HEADER, export_rows, progress_key, queue_import
from subscribers.models import Subscriber, SubscriberImport
from subscribers.topic_labels import TopicFilter, TopicsInEditorLanguage

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(_("CSV with the header {header}"), header=f"<code>{','.join(HEADER)}</code>"),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, help_text=_("check the file and report, change nothing")
    )


class SubscriberForm(forms.ModelForm):
    """The admin's subscriber form: the one address rule, and the stored form checked for uniqueness (so the
    punycode spelling of an existing reader's Unicode domain is that reader, not a second one)."""

    class Meta:
        model = Subscriber
        # Every editable field (the admin leaves out its read-only ones); the address gets the one address rule.
        fields = [
            "email", "status", "language", "bilingual", "max_papers", "frequency", "time_zone", "delivery_hour",
            "token_version", "confirmed_at", "unsubscribed_at", "suppressed_reason", "soft_bounces", "paused_until",
            "follows", "mutes", "topics",
        ]  # fmt: skip

    def clean_email(self) -> str:
        return normalize_address(self.cleaned_data["email"])


class SuppressForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("why this address gets no more mail"))


@admin.register(Subscriber)
class SubscriberAdmin(WithoutLinkRows, TopicsInEditorLanguage, admin.ModelAdmin):
    form = SubscriberForm
    list_display = ("email", "status", "language", "bilingual", "max_papers", "frequency", "created_at")
    list_filter = ("status", "language", ("topics", TopicFilter), "bilingual", "frequency")
    search_fields = ("email",)
    filter_horizontal = ("topics",)
    readonly_fields = ("created_at", "confirmed_at", "unsubscribed_at", "soft_bounces", "token_version")
    actions = ["export_csv", "suppress", "unsuppress"]

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="subscribers_subscriber_import"),
            path(
                "import/<int:import_id>/",
                self.admin_site.admin_view(self.import_status_view),
                name="subscribers_subscriber_import_status",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Export the selected subscribers as CSV (import format)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        csv.writer(response).writerows(export_rows(queryset.prefetch_related("topics").order_by("email")))
        return response

    @admin.action(description=_("Suppress the selected subscribers (asks for a reason)"), permissions=["change"])
    def suppress(self, request, queryset):
        form = SuppressForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            for subscriber in queryset:
                status.suppress(subscriber, reason)
                self.log_change(request, subscriber, f"Suppressed: {reason}")
            count = queryset.count()
            message = ngettext("Suppressed %(count)d subscriber.", "Suppressed %(count)d subscribers.", count)
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Suppress subscribers"),
            "form": form,
            "subscribers": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/subscribers/subscriber/suppress.html", context)

    @admin.action(description=_("Unsuppress the selected subscribers (active again)"), permissions=["change"])
    def unsuppress(self, request, queryset):
        count = 0
        for subscriber in queryset.filter(status=Subscriber.Status.SUPPRESSED):
            if status.unsuppress(subscriber):
                self.log_change(request, subscriber, "Unsuppressed")
                count += 1
        message = ngettext("Unsuppressed %(count)d subscriber.", "Unsuppressed %(count)d subscribers.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Takes the file and queues its import (a worker runs it: a big file outlives a web request), then
        shows the import's own page with its progress and report."""
        self._check_import_permission(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES:
                limit = MAX_IMPORT_BYTES // (1024 * 1024)
                messages.error(request, gettext("The file is over %(megabytes)d MB.") % {"megabytes": limit})
                return redirect("admin:subscribers_subscriber_import")
            job = queue_import(
                user=request.user, filename=upload.name, content=upload.read(), dry_run=form.cleaned_data["dry_run"]
            )
            return redirect("admin:subscribers_subscriber_import_status", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import subscribers from CSV"),
            "form": form,
            "header": ",".join(HEADER),
        }
        return TemplateResponse(request, "admin/subscribers/subscriber/import.html", context)

    def import_status_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        self._check_import_permission(request)
        job = get_object_or_404(SubscriberImport.objects.defer("content"), pk=import_id)
        running = job.status in (SubscriberImport.Status.QUEUED, SubscriberImport.Status.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("CSV import"),
            "job": job,
            "running": running,
            "progress": cache.get(progress_key(job.pk)) if running else None,
        }
        return TemplateResponse(request, "admin/subscribers/subscriber/import_status.html", context)

    def _check_import_permission(self, request: HttpRequest) -> None:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

