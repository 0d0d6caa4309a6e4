"""What every edition page shares: permission checks, the page context, the admin log, labels."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digest.delivery.previews import PreviewError
from digest.editions import approval
from digest.editions.curation import CurationError
from digest.editions.lifecycle import EditionFrozen, IllegalTransition
from digest.editor_text import EditorText, shown
from digest.languages import LANGUAGE_CHOICES, Language
from digest.models import Edition, Paper, SiteSettings

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


class PageRefusal(Exception):
    """A posted action the page itself refuses (a row that is gone, an unknown id); the message is already in the
    editor's language."""


SERVICE_ERRORS = (CurationError, EditionFrozen, IllegalTransition, PreviewError)
#: An action handler: does the work and returns what to tell the editor and where to go back to.
ActionHandler = Callable[[], tuple[EditorText, str]]


def translation_state(paper: Paper) -> dict:
    """What the edition page shows per paper: whose Chinese text readers get, or why there is none, and
    whether a re-translation is waiting for the workers (and why the last attempt after the shown text failed)."""
    current = paper.current_translation()
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


def _query(choice: dict) -> str:
    params = [("lang", choice["language"]), ("max", choice["max_papers"])]
    params += [("topics", slug) for slug in choice["topic_slugs"]]
    if choice["bilingual"]:
        params.append(("bilingual", "1"))
    return urlencode(params)


class EditionPageBase(admin.ModelAdmin):
    """Helpers of the edition pages; each page is a mixin in its own module, EditionAdmin puts them together."""

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

    def _dispatch(
        self, request: HttpRequest, back: str, handlers: Mapping[str, ActionHandler], *logged: object
    ) -> HttpResponse:
        """Runs the posted action's handler; what it did goes to the admin log of `logged` (in English) and to the
        editor (in their language); a refusal or a service's error is shown and nothing is logged."""
        handler = handlers.get(request.POST.get("action", ""))
        if handler is None:
            messages.error(request, gettext("Unknown action."))
            return HttpResponseRedirect(back)
        try:
            message, back = handler()
        except PageRefusal as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(back)
        except SERVICE_ERRORS as error:
            messages.error(request, shown(error))
            return HttpResponseRedirect(back)
        for obj in logged:
            self.log_change(request, obj, message.english())
        messages.success(request, message.shown())
        return HttpResponseRedirect(back)

    def _done(self, request: HttpRequest, edition: Edition, message: EditorText) -> None:
        """The admin log keeps the English; the editor reads it in their language."""
        self.log_change(request, edition, message.english())
        messages.success(request, message.shown())
