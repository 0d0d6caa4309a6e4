"""The edition results page, extended: figures per language × bilingual, why deliveries did not go out,
and a CSV download of the figures.

A subclass of EditionAdmin rather than an edit of it: digest/admin_editions.py and its templates are being
changed elsewhere, so this adds to its results page (the template extends theirs) without touching them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from .admin_editions import EditionAdmin
from .edition_figures import edition_figures, figures_csv
from .models import Edition

RESULTS_TEMPLATE = "admin/digest/edition_figures/results.html"


class EditionWithFiguresAdmin(EditionAdmin):
    def get_urls(self):
        return [
            path(
                "<int:pk>/results.csv",
                self.admin_site.admin_view(self.results_csv_view),
                name="digest_edition_results_csv",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = super().results_view(request, pk)
        if isinstance(response, TemplateResponse) and response.context_data and response.context_data.get("edition"):
            response.template_name = RESULTS_TEMPLATE
            response.context_data["figures"] = edition_figures(response.context_data["edition"])
        return response

    def results_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("digest.view_edition"):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=pk)
        response = HttpResponse(figures_csv(edition_figures(edition)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="edition-{edition.date:%Y-%m-%d}-figures.csv"'
        return response
