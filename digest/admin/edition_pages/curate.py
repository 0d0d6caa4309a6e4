"""Today's edition and the curation page: pick, order, exclude, annotate, add papers."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from digest.admin.edition_pages.base import (
    ENTRY_ACTIONS,
    SERVICE_ERRORS,
    STATE_LABELS,
    VARIANT_BADGES,
    EditionPageBase,
    PageRefusal,
    _int,
    translation_state,
)
from digest.delivery.forecast import readers_get
from digest.editions import curation
from digest.editions.allocation import topic_demand
from digest.editions.build import EditionError, build_edition
from digest.editions.candidates import DAY_CHOICES, NO_TOPIC, CandidateSearch, candidate_page
from digest.editor_text import EditorText, edition_name, shown
from digest.languages import TRANSLATION_LANGUAGE, is_chinese, variant_of_django_code
from digest.models import Edition, EditionEntry, Paper, Topic, TranslationFailure
from digest.models.translations import OVERRIDE_LANGUAGES
from digest.papers.selectors import candidate_papers, latest_announcement_date
from digest.translation.variants import to_variant, variant_override
from subscribers.feedback import feedback_counts


class CuratePages(EditionPageBase):
    def today_view(self, request: HttpRequest) -> HttpResponse:
        """The newest announcement day's edition; offers to build it when the daily run has not yet."""
        self._require(request, "view_edition")
        day = latest_announcement_date()
        daily = Edition.objects.filter(kind=Edition.Kind.DAILY)
        edition = daily.filter(date=day).first() if day else daily.first()
        if edition is not None:
            return redirect("admin:digest_edition_curate", edition.pk)
        if request.method == "POST" and day is not None:
            self._require(request, "change_edition")
            try:
                edition = build_edition(day)
            except EditionError as error:
                messages.error(request, shown(error))
                return redirect("admin:digest_edition_changelist")
            self.log_addition(request, edition, f"Built the edition for {day}")
            return redirect("admin:digest_edition_curate", edition.pk)
        context = self._context(request, None, gettext("Today's edition"), day=day, paper_count=0)
        if day is not None:
            context["paper_count"] = candidate_papers(day).count()
        return TemplateResponse(request, "admin/digest/edition/today.html", context)

    def curate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        if request.method == "POST":
            self._require(request, "change_edition")
            return self._curate_action(request, edition)
        entries = list(
            edition.entries.select_related("paper")
            .prefetch_related(
                "paper__topics",
                "paper__translations",
                "paper__variant_overrides",
                Prefetch("paper__translation_failures", queryset=TranslationFailure.objects.order_by("-created_at")),
            )
            .order_by("-featured", "position", "pk")
        )
        rows = [{"entry": entry, "paper": entry.paper, **translation_state(entry.paper)} for entry in entries]
        votes = feedback_counts(entry.paper_id for entry in entries)
        # Chinese titles in the editor's own variant (Simplified for an editor reading in English).
        variant = variant_of_django_code(translation.get_language())
        variant = variant if is_chinese(variant) else TRANSLATION_LANGUAGE
        demand = topic_demand()
        topic_by_slug = {topic.slug: topic for topic in Topic.objects.all()}
        for row in rows:
            row["state_label"] = STATE_LABELS[row["state"]]
            row["up"], row["down"] = votes[row["entry"].paper_id]
            shown, paper = row["translation"], row["paper"]
            # The variants whose readers get an editor's override of this paper (a ✎ on their badge).
            row["overrides"] = {code for code in OVERRIDE_LANGUAGES if variant_override(paper, code, shown)}
            own = variant_override(paper, variant, shown)
            if own is not None:
                row["chinese_title"] = own.title
            else:
                row["chinese_title"] = to_variant(shown.title, variant) if shown is not None else ""
            # Why the paper is in, as the build chose it: the topic of its readers it serves (most readers first).
            served = [demand[t.slug] for t in paper.topics.all() if t.slug in demand]
            row["serves"] = max(served, key=lambda d: d.readers, default=None)
            row["serves_topic"] = topic_by_slug.get(row["serves"].slug) if row["serves"] else None
        search = CandidateSearch.from_params(request.GET)
        page = candidate_page(edition, search)
        context = self._context(
            request,
            edition,
            str(edition_name(edition)),
            tab="curate",
            rows=rows,
            candidates=page,
            search=search,
            previous_query=search.as_query(page=page.number - 1),
            next_query=search.as_query(page=page.number + 1),
            day_choices=DAY_CHOICES,
            no_topic=NO_TOPIC,
            topics=Topic.objects.all(),
            variants=VARIANT_BADGES,
            reader_count=sum(1 for row in rows if not row["entry"].excluded),
            readers_get=readers_get(edition),
            votes_up=sum(row["up"] for row in rows),
            votes_down=sum(row["down"] for row in rows),
            failed_rows=[row for row in rows if row["failure"] is not None],
            pending_count=sum(1 for row in rows if row["pending"]),
            note_limit=curation.MAX_NOTE_CHARS,
        )
        return TemplateResponse(request, "admin/digest/edition/curate.html", context)

    def _curate_action(self, request: HttpRequest, edition: Edition) -> HttpResponse:
        back = reverse("admin:digest_edition_curate", args=[edition.pk])

        def on_entry(action: str) -> tuple[EditorText, str]:
            entry = EditionEntry.objects.filter(edition=edition, pk=_int(request.POST.get("entry"))).first()
            if entry is None:
                raise PageRefusal(gettext("That paper is not in this edition (reload the page)."))
            return self._entry_action(action, entry, request.POST.get("note", "")), f"{back}#entry-{entry.pk}"

        def order_by_liked() -> tuple[EditorText, str]:
            curation.order_by_readers_liked(edition)
            return EditorText(gettext_noop("Ordered by what readers liked")), back

        def add() -> tuple[EditorText, str]:
            entry = curation.add_paper_by_arxiv_id(edition, request.POST.get("arxiv_id", ""))
            message = EditorText(
                gettext_noop("Added %(arxiv_id)s (%(title)s)"),
                arxiv_id=entry.paper.arxiv_id,
                title=entry.paper.title[:60],
            )
            return message, f"{back}#entry-{entry.pk}"

        def add_candidate() -> tuple[EditorText, str]:
            paper = Paper.objects.filter(pk=_int(request.POST.get("paper"))).first()
            if paper is None:
                raise PageRefusal(gettext("No such paper."))
            entry = curation.add_paper(edition, paper)
            search = CandidateSearch.from_params(QueryDict(request.POST.get("search", ""))).as_query()
            message = EditorText(gettext_noop("Added %(arxiv_id)s"), arxiv_id=paper.arxiv_id)
            return message, back + (f"?{search}" if search else "") + f"#entry-{entry.pk}"

        handlers = {action: partial(on_entry, action) for action in ENTRY_ACTIONS}
        handlers |= {"order_by_liked": order_by_liked, "add": add, "add_candidate": add_candidate}
        return self._dispatch(request, back, handlers, edition)

    def _entry_action(self, action: str, entry: EditionEntry, note: str) -> EditorText:
        arxiv_id = entry.paper.arxiv_id
        if action in ("feature", "unfeature"):
            curation.set_featured(entry, action == "feature")
            done = (
                gettext_noop("Featured %(arxiv_id)s")
                if action == "feature"
                else gettext_noop("Unfeatured %(arxiv_id)s")
            )
        elif action in ("up", "down"):
            curation.move(entry, action)
            done = gettext_noop("Moved %(arxiv_id)s up") if action == "up" else gettext_noop("Moved %(arxiv_id)s down")
        elif action in ("exclude", "include"):
            curation.set_excluded(entry, action == "exclude")
            done = (
                gettext_noop("Excluded %(arxiv_id)s")
                if action == "exclude"
                else gettext_noop("Included again %(arxiv_id)s")
            )
        else:
            curation.set_note(entry, note)
            done = (
                gettext_noop("Note on %(arxiv_id)s saved")
                if entry.note
                else gettext_noop("Note on %(arxiv_id)s removed")
            )
        return EditorText(done, arxiv_id=arxiv_id)

    @staticmethod
    def _posted_order(request: HttpRequest) -> list[int] | None:
        ids = [_int(value) for value in request.POST.get("order", "").split(",") if value.strip()]
        return None if not ids or None in ids else ids

    def reorder_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The drag-and-drop list posts the full order here (comma-separated entry ids)."""
        self._require(request, "change_edition")
        if request.method != "POST":
            return redirect("admin:digest_edition_curate", pk)
        edition = get_object_or_404(Edition, pk=pk)
        ids = self._posted_order(request)
        if ids is None:
            error = gettext("order must be entry ids separated by commas")
            return JsonResponse({"ok": False, "error": error}, status=400)
        try:
            curation.reorder(edition, ids)
        except SERVICE_ERRORS as error:
            return JsonResponse({"ok": False, "error": shown(error)}, status=409)
        self._done(request, edition, EditorText(gettext_noop("Reordered papers")))
        return JsonResponse({"ok": True})
