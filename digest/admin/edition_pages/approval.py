"""Approving an edition for sending (after a confirmation that says what will go out), and taking an approval
back."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from digest import daily
from digest.admin.edition_pages.base import EditionPageBase
from digest.delivery.forecast import UNTRANSLATED_WARNING_SHARE, forecast_send
from digest.editions import approval
from digest.editor_text import EditorText, edition_name
from digest.models import Edition


class ApprovalPage(EditionPageBase):
    def approval_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "approve_edition")
        if request.method != "POST":
            return redirect("admin:digest_edition_curate", pk)
        edition = get_object_or_404(Edition, pk=pk)
        back = reverse("admin:digest_edition_curate", args=[pk])
        if request.POST.get("action") == "approve" and request.POST.get("confirmed") != "1":
            return self._confirm_approval(request, edition)

        def approve() -> tuple[EditorText, str]:
            result = daily.approve_and_send(edition, request.user)
            if result.send_due:
                return EditorText(
                    gettext_noop("Approved %(edition)s; sending has started"), edition=edition_name(edition)
                ), back
            message = EditorText(
                gettext_noop("Approved %(edition)s; it goes out with the daily run at %(time)s"),
                edition=edition_name(edition),
                time=f"{settings.DAILY_RUN_HOUR:02d}:{settings.DAILY_RUN_MINUTE:02d}",
            )
            return message, back

        def unapprove() -> tuple[EditorText, str]:
            approval.unapprove(edition)
            return EditorText(
                gettext_noop("Un-approved %(edition)s; it is a draft again"), edition=edition_name(edition)
            ), back

        return self._dispatch(request, back, {"approve": approve, "unapprove": unapprove}, edition)

    def _confirm_approval(self, request: HttpRequest, edition: Edition) -> HttpResponse:
        """What the approval will send, and when, with the button that approves it: nothing goes out on the first
        click."""
        context = self._context(
            request,
            edition,
            gettext("Approve %(edition)s?") % {"edition": edition_name(edition)},
            tab="curate",
            forecast=forecast_send(edition),
            warning_share=round(UNTRANSLATED_WARNING_SHARE * 100),
        )
        return TemplateResponse(request, "admin/digest/edition/approve_confirm.html", context)
