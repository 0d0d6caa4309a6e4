"""The editor's morning in the admin: today's edition, translations, preview, test send, approval, results.

Views are thin: they check the permission, call one service (digest.curation, digest.approval,
digest.preview, digest.results), record it in the admin log and turn service errors into messages.
Bad input (unknown ids, junk in a form) becomes a message or a 404, never a 500.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import approval, curation
from .approval import EditionFrozen, IllegalTransition
from .candidates import DAY_CHOICES, NO_TOPIC, CandidateSearch, candidate_page
from .curation import CurationError
from .editions import EditionError, build_edition
from .editor_text import EditorText, edition_name, shown
from .languages import LANGUAGE_CHOICES, TRANSLATION_LANGUAGE, Language
from .models import Edition, EditionEntry, Paper, SiteSettings, Topic, Translation, TranslationFailure
from .preview import PreviewError, preview_variant, send_test
from .results import EVENT_TYPES, SERIES, edition_results, recent_editions_chart
from .selectors import candidate_papers, latest_announcement_date
from .translation.service import current_translation
from .translation.variants import convert

CHINESE_VARIANTS = [(code, label) for code, label in LANGUAGE_CHOICES if code != Language.EN]
#: Short badges on the edition page, one per Chinese variant.
VARIANT_BADGES = [("zh-Hant-TW", "台"), ("zh-Hant-HK", "港"), ("zh-Hans", "简")]
#: The translation state as the badges' tooltips name it.
STATE_LABELS = {
    "editor": _("editor's version"),
    "model": _("model's translation"),
    "failed": _("translation failed"),
    "missing": _("not translated"),
}
#: The results page's column and chart names (the data keeps the English event types).
EVENT_LABELS = {
    "delivered": _("delivered"),
    "bounced": _("bounced"),
    "complained": _("complained"),
    "opened": _("opened"),
    "clicked": _("clicked"),
    "unsubscribed": _("unsubscribed"),
    "recipients": _("recipients"),
}
ENTRY_ACTIONS = {"feature", "unfeature", "up", "down", "exclude", "include", "note"}
SERVICE_ERRORS = (CurationError, EditionFrozen, IllegalTransition, PreviewError)


def translation_state(paper: Paper) -> dict:
    """What the edition page shows per paper: whose Chinese text readers get, or why there is none, and
    whether a re-translation is waiting for the workers (and why the last attempt after the shown text failed)."""
    current = current_translation(paper)
    failures = [f for f in paper.translation_failures.all()]
    last_failure = max(failures, key=lambda f: f.created_at) if failures else None
    pending = paper.retranslation_requested_at
    if current is not None:
        state = "editor" if current.by_editor else "model"
        # A failure newer than the shown text is a re-translation that did not work; the old text stays.
        newer = last_failure if last_failure and last_failure.created_at > current.created_at else None
        return {"state": state, "translation": current, "failure": newer, "pending": pending}
    if last_failure is not None:
        return {"state": "failed", "translation": None, "failure": last_failure, "pending": pending}
    return {"state": "missing", "translation": None, "failure": None, "pending": pending}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class EditionAdmin(admin.ModelAdmin):
    list_display = ("date", "status", "entry_count", "approved_by", "approved_at", "sent_at", "pages")
    list_filter = ("status",)
    date_hierarchy = "date"
    readonly_fields = ("date", "status", "approved_by", "approved_at", "sent_at", "created_at")

    # --- the list --------------------------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("approved_by").annotate(n_entries=Count("entries"))

    @admin.display(description=_("papers"))
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
            *super().get_urls(),
        ]

    # --- helpers ---------------------------------------------------------------------------------------
    def _require(self, request: HttpRequest, codename: str) -> None:
        if not request.user.has_perm(f"digest.{codename}"):
            raise PermissionDenied

    def _context(self, request: HttpRequest, edition: Edition | None, title: str, **extra) -> dict:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "edition": edition,
            # These pages are wide (tables, two email frames); the model list is one click away in the header.
            "is_nav_sidebar_enabled": False,
            "can_curate": request.user.has_perm("digest.change_edition"),
            "can_approve": request.user.has_perm("digest.approve_edition"),
        }
        if edition is not None:
            context["editable"] = edition.status == Edition.Status.DRAFT
            context["waiting_for_approval"] = approval.waiting_for_approval(edition)
            context["needs_approval"] = SiteSettings.current().editions_need_approval
            context["send_due"] = approval.send_is_due(edition)
            context["run_time"] = f"{settings.DAILY_RUN_HOUR:02d}:{settings.DAILY_RUN_MINUTE:02d}"
        context.update(extra)
        return context

    def _done(self, request: HttpRequest, edition: Edition, message: EditorText) -> None:
        """The admin log keeps the English; the editor reads it in their language."""
        self.log_change(request, edition, message.english())
        messages.success(request, message.shown())

    # --- today's edition -------------------------------------------------------------------------------
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

    # --- curation --------------------------------------------------------------------------------------
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
                Prefetch("paper__translation_failures", queryset=TranslationFailure.objects.order_by("-created_at")),
            )
            .order_by("-featured", "position", "pk")
        )
        rows = [{"entry": entry, "paper": entry.paper, **translation_state(entry.paper)} for entry in entries]
        for row in rows:
            row["state_label"] = STATE_LABELS[row["state"]]
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
            failed_rows=[row for row in rows if row["failure"] is not None],
            pending_count=sum(1 for row in rows if row["pending"]),
            note_limit=curation.MAX_NOTE_CHARS,
        )
        return TemplateResponse(request, "admin/digest/edition/curate.html", context)

    def _curate_action(self, request: HttpRequest, edition: Edition) -> HttpResponse:
        action = request.POST.get("action", "")
        back = reverse("admin:digest_edition_curate", args=[edition.pk])
        try:
            if action in ENTRY_ACTIONS:
                entry = EditionEntry.objects.filter(edition=edition, pk=_int(request.POST.get("entry"))).first()
                if entry is None:
                    messages.error(request, gettext("That paper is not in this edition (reload the page)."))
                    return HttpResponseRedirect(back)
                message = self._entry_action(action, entry, request.POST.get("note", ""))
                back += f"#entry-{entry.pk}"
            elif action == "add":
                entry = curation.add_paper_by_arxiv_id(edition, request.POST.get("arxiv_id", ""))
                message = EditorText(
                    gettext_noop("Added %(arxiv_id)s (%(title)s)"),
                    arxiv_id=entry.paper.arxiv_id,
                    title=entry.paper.title[:60],
                )
                back += f"#entry-{entry.pk}"
            elif action == "add_candidate":
                paper = Paper.objects.filter(pk=_int(request.POST.get("paper"))).first()
                if paper is None:
                    messages.error(request, gettext("No such paper."))
                    return HttpResponseRedirect(back)
                entry = curation.add_paper(edition, paper)
                message = EditorText(gettext_noop("Added %(arxiv_id)s"), arxiv_id=paper.arxiv_id)
                search = CandidateSearch.from_params(QueryDict(request.POST.get("search", ""))).as_query()
                back += (f"?{search}" if search else "") + f"#entry-{entry.pk}"
            else:
                messages.error(request, gettext("Unknown action."))
                return HttpResponseRedirect(back)
        except SERVICE_ERRORS as error:
            messages.error(request, shown(error))
            return HttpResponseRedirect(back)
        self._done(request, edition, message)
        return HttpResponseRedirect(back)

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

    # --- translations ----------------------------------------------------------------------------------
    def translation_view(self, request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        entry = get_object_or_404(EditionEntry.objects.select_related("paper"), edition=edition, paper_id=paper_id)
        paper = entry.paper
        back = reverse("admin:digest_edition_translation", args=[edition.pk, paper.pk])
        if request.method == "POST":
            self._require(request, "change_edition")
            action = request.POST.get("action", "")
            try:
                if action == "save":
                    curation.save_editor_translation(
                        paper, request.POST.get("title", ""), request.POST.get("abstract", "")
                    )
                    done = gettext_noop("Saved the editor's translation of %(arxiv_id)s")
                elif action == "discard":
                    curation.discard_editor_translation(paper)
                    done = gettext_noop("Discarded the editor's translation of %(arxiv_id)s")
                elif action == "retranslate":
                    curation.request_retranslation(paper)
                    done = gettext_noop(
                        "Re-translation of %(arxiv_id)s queued; "
                        "the new text (or the reason it failed) shows here when the model has answered"
                    )
                else:
                    messages.error(request, gettext("Unknown action."))
                    return HttpResponseRedirect(back)
            except SERVICE_ERRORS as error:
                messages.error(request, shown(error))
                return HttpResponseRedirect(back)
            message = EditorText(done, arxiv_id=paper.arxiv_id)
            self.log_change(request, edition, message.english())
            self.log_change(request, paper, message.english())
            messages.success(request, message.shown())
            return HttpResponseRedirect(back)
        paper = Paper.objects.prefetch_related("translations", "translation_failures").get(pk=paper.pk)
        current = current_translation(paper)
        model_version = next(
            (t for t in paper.translations.all() if not t.by_editor and t.source_hash == paper.source_hash), None
        )
        converted = [
            {
                "code": code,
                "label": label,
                "title": convert(current.title, code) if current else "",
                "abstract": convert(current.abstract, code) if current else "",
            }
            for code, label in CHINESE_VARIANTS
            if code != TRANSLATION_LANGUAGE
        ]
        context = self._context(
            request,
            edition,
            gettext("Translation of %(arxiv_id)s") % {"arxiv_id": paper.arxiv_id},
            tab="curate",
            paper=paper,
            current=current,
            model_version=model_version,
            converted=converted,
            history=Translation.objects.filter(paper=paper).order_by("-created_at")[:20],
            failures=paper.translation_failures.order_by("-created_at")[:20],
            pending=paper.retranslation_requested_at,
            translation_frozen=paper.edition_entries.filter(
                edition__status__in=[Edition.Status.APPROVED, Edition.Status.SENDING]
            ).exists(),
        )
        return TemplateResponse(request, "admin/digest/edition/translation.html", context)

    # --- preview and test send -------------------------------------------------------------------------
    @staticmethod
    def _variant_choice(data) -> dict:
        language = data.get("lang", Language.ZH_HANT_TW.value)
        max_papers = _int(data.get("max")) or settings.DEFAULT_MAX_PAPERS
        known = set(Topic.objects.values_list("slug", flat=True))
        topics = [slug for slug in data.getlist("topics") if slug in known]
        return {
            "language": language,
            "bilingual": data.get("bilingual") in ("1", "on", "true"),
            "topic_slugs": topics,
            "max_papers": max_papers,
        }

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        choice = self._variant_choice(request.GET)
        preview, error = None, ""
        try:
            preview = preview_variant(edition, **choice)
        except PreviewError as problem:
            error = shown(problem)
        context = self._context(
            request,
            edition,
            gettext("Preview of %(edition)s") % {"edition": edition_name(edition)},
            tab="preview",
            choice=choice,
            preview=preview,
            preview_error=error,
            languages=LANGUAGE_CHOICES,
            topics=Topic.objects.all(),
            test_address=request.user.email,
            query=request.GET.urlencode(),
        )
        return TemplateResponse(request, "admin/digest/edition/preview.html", context)

    def test_send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "change_edition")
        if request.method != "POST":
            return redirect("admin:digest_edition_preview", pk)
        edition = get_object_or_404(Edition, pk=pk)
        choice = self._variant_choice(request.POST)
        back = reverse("admin:digest_edition_preview", args=[edition.pk]) + "?" + _query(choice)
        try:
            preview = preview_variant(edition, **choice)
            send_test(preview, request.user.email)
        except PreviewError as error:
            messages.error(request, shown(error))
            return HttpResponseRedirect(back)
        except Exception as error:  # the provider or backend failed: tell the editor, keep the page
            problem = f"{error.__class__.__name__}: {error}"
            messages.error(request, gettext("The test could not be sent: %(error)s") % {"error": problem})
            return HttpResponseRedirect(back)
        sent = gettext_noop("Sent a test (%(language)s) to %(address)s")
        self._done(request, edition, EditorText(sent, language=preview.language, address=request.user.email))
        return HttpResponseRedirect(back)

    # --- approval --------------------------------------------------------------------------------------
    def approval_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "approve_edition")
        if request.method != "POST":
            return redirect("admin:digest_edition_curate", pk)
        edition = get_object_or_404(Edition, pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "approve":
                result = approval.approve(edition, request.user)
                if result.send_started:
                    message = EditorText(
                        gettext_noop("Approved %(edition)s; sending has started"), edition=edition_name(edition)
                    )
                else:
                    message = EditorText(
                        gettext_noop("Approved %(edition)s; it goes out with the daily run at %(time)s"),
                        edition=edition_name(edition),
                        time=f"{settings.DAILY_RUN_HOUR:02d}:{settings.DAILY_RUN_MINUTE:02d}",
                    )
            elif action == "unapprove":
                approval.unapprove(edition)
                message = EditorText(
                    gettext_noop("Un-approved %(edition)s; it is a draft again"), edition=edition_name(edition)
                )
            else:
                messages.error(request, gettext("Unknown action."))
                return redirect("admin:digest_edition_curate", pk)
        except SERVICE_ERRORS as error:
            messages.error(request, shown(error))
            return redirect("admin:digest_edition_curate", pk)
        self._done(request, edition, message)
        return redirect("admin:digest_edition_curate", pk)

    # --- results ---------------------------------------------------------------------------------------
    def results_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "view_edition")
        edition = get_object_or_404(Edition, pk=pk)
        results = edition_results(edition)
        chart = recent_editions_chart()
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
        )
        return TemplateResponse(request, "admin/digest/edition/results.html", context)


def _query(choice: dict) -> str:
    params = [("lang", choice["language"]), ("max", choice["max_papers"])]
    params += [("topics", slug) for slug in choice["topic_slugs"]]
    if choice["bilingual"]:
        params.append(("bilingual", "1"))
    return urlencode(params)
