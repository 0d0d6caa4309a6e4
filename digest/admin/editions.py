"""The editions in the admin: the list, and the pages of the editor's morning put together.

Views are thin: they check the permission, call one service (digest.editions.curation, digest.editions.approval,
digest.delivery.previews, digest.delivery.results), record it in the admin log and turn service errors into messages.
Bad input (unknown ids, junk in a form) becomes a message or a 404, never a 500. Each page lives in its own
module under digest/admin/edition_pages/.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Func, IntegerField, OuterRef, Subquery
from django.db.models.expressions import Star
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digest.admin.edition_pages.approval import ApprovalPage
from digest.admin.edition_pages.base import _int
from digest.admin.edition_pages.curate import CuratePages
from digest.admin.edition_pages.preview import PreviewPages
from digest.admin.edition_pages.results import ResultsPages
from digest.admin.edition_pages.translation import TranslationPage
from digest.models import Edition, EditionEntry
from subscribers.models import Feedback


class EditionAdmin(CuratePages, TranslationPage, PreviewPages, ApprovalPage, ResultsPages):
    list_display = ("date", "status", "entry_count", "votes", "approved_by", "approved_at", "sent_at", "pages")
    list_filter = ("status",)
    # A month a page: the page's cost is its rows (three subqueries and a row of links each), not the editions' count.
    list_per_page = 30
    date_hierarchy = "date"
    readonly_fields = ("date", "status", "approved_by", "approved_at", "sent_at", "created_at")

    # --- the list --------------------------------------------------------------------------------------
    def get_queryset(self, request):
        # One correlated subquery per figure, each through an index (entries by edition, votes by paper and vote):
        # no join of the editions with their entries under a GROUP BY, whose cost grew with every edition ever made.
        # COUNT(*), not COUNT(id): the votes are counted from the (paper, vote) index alone, and the planner keeps
        # to it instead of hashing every vote ever cast once per row of the page.
        def count_of(rows):
            count = Func(Star(), function="COUNT", output_field=IntegerField())
            return Coalesce(Subquery(rows.order_by().annotate(n=count).values("n")), 0)

        def votes(value: int):
            papers = EditionEntry.objects.filter(edition=OuterRef(OuterRef("pk"))).values("paper_id")
            return count_of(Feedback.objects.filter(paper_id__in=papers, vote=value))

        return (
            super()
            .get_queryset(request)
            .select_related("approved_by")
            .annotate(
                n_entries=count_of(EditionEntry.objects.filter(edition=OuterRef("pk"))),
                votes_up=votes(Feedback.Vote.UP),
                votes_down=votes(Feedback.Vote.DOWN),
            )
        )

    @admin.display(description=_("readers' votes"))
    def votes(self, edition: Edition) -> str:
        return f"👍 {edition.votes_up} · 👎 {edition.votes_down}"

    @admin.display(description=_("paper count"))
    def entry_count(self, edition: Edition) -> int:
        return edition.n_entries

    @admin.display(description="")
    def pages(self, edition: Edition) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:digest_edition_curate", args=[edition.pk]),
            gettext("Curate"),
            reverse("admin:digest_edition_preview", args=[edition.pk]),
            gettext("Preview"),
            reverse("admin:digest_edition_results", args=[edition.pk]),
            gettext("Results"),
        )

    def has_add_permission(self, request):
        return False  # editions are built from the day's papers (build_edition), not typed in

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pk = _int(object_id)
        if pk is None:
            return redirect("admin:digest_edition_changelist")
        return redirect("admin:digest_edition_curate", pk)

    # --- urls ------------------------------------------------------------------------------------------
    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("today/", view(self.today_view), name="digest_edition_today"),
            path("<int:pk>/curate/", view(self.curate_view), name="digest_edition_curate"),
            path("<int:pk>/reorder/", view(self.reorder_view), name="digest_edition_reorder"),
            path(
                "<int:pk>/papers/<int:paper_id>/translation/",
                view(self.translation_view),
                name="digest_edition_translation",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="digest_edition_preview"),
            path("<int:pk>/test-send/", view(self.test_send_view), name="digest_edition_test_send"),
            path("<int:pk>/approval/", view(self.approval_view), name="digest_edition_approval"),
            path("<int:pk>/results/", view(self.results_view), name="digest_edition_results"),
            path("<int:pk>/results.csv", view(self.results_csv_view), name="digest_edition_results_csv"),
            *super().get_urls(),
        ]
