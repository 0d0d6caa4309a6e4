"""What an edition's sending did: figures per variant and per language × bilingual, events, a CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from digest.admin.edition_pages.base import (
    EVENT_LABELS,
    EditionPageBase,
)
from digest.delivery.results import (
    EVENT_TYPES,
    chart_series,
    count_edition,
    edition_figures,
    edition_results,
    figures_csv,
)
from digest.delivery.results_chart import SERIES, recent_editions_chart
from digest.editor_text import edition_name
from digest.models import Edition

RESULTS_TEMPLATE = "admin/digest/edition_figures/results.html"


class ResultsPages(EditionPageBase):
    def results_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        counted = count_edition(edition)  # both tables and the chart read the same count: the events are scanned once
        results = edition_results(edition, counted=counted)
        chart = recent_editions_chart(known={edition.pk: chart_series(counted[0])})
        for bar in chart.bars:
            bar.label = EVENT_LABELS[bar.series]
        context = self._context(
            request,
            edition,
            gettext("Results of %(edition)s") % {"edition": edition_name(edition)},
            tab="results",
            results=results,
            chart=chart,
            series=[(name, EVENT_LABELS[name]) for name in SERIES],
            event_columns=[(name, EVENT_LABELS[name]) for name in EVENT_TYPES],
            figures=edition_figures(edition, counted=counted),
        )
        return TemplateResponse(request, RESULTS_TEMPLATE, context)

    def results_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        response = HttpResponse(figures_csv(edition_figures(edition)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="edition-{edition.date:%Y-%m-%d}-figures.csv"'
        return response
