"""Thin views over the subscriber services: sign-up, confirmation, preference centre, unsubscribe,
resubscribe and 👍/👎 feedback. Every signed link that fails to verify is a clear 400 page, never a 500."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from digest.languages import DJANGO_LANGUAGE, DJANGO_TO_LANGUAGE
from digest.translation.variants import localize
from subscribers import feedback, learning, preferences, subscription
from subscribers.addresses import is_valid_address
from subscribers.forms import EmailChangeForm, PauseForm, PreferencesForm, SubscribeForm, preferences_initial
from subscribers.models import Subscriber
from subscribers.time_zones import DEFAULT_ZONE
from subscribers.tokens import InvalidToken, make_token, read_token


def _confirm_max_age() -> int:
    return settings.CONFIRM_LINK_MAX_AGE_DAYS * 86400


def _invalid_link(request: HttpRequest, error: InvalidToken, renew_url: str = "") -> HttpResponse:
    context = {"reason": error.reason, "renew_url": renew_url}
    return render(request, "subscribers/invalid_link.html", context, status=400)


def _manage_max_age() -> int:
    return settings.MANAGE_LINK_MAX_AGE_DAYS * 86400


def _in_language(subscriber: Subscriber):
    """The pages a reader reaches from an email speak the reader's chosen language."""
    return translation.override(DJANGO_LANGUAGE.get(subscriber.language, "en"))


def rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "subscribers/rate_limited.html", status=429)
    response["Retry-After"] = "3600"
    return response


def _subscribe_limited(request: HttpRequest, email: str | None) -> bool:
    """Per client IP on every POST, and per address once the form names one (django-ratelimit, on the
    shared cache). Counting per address stops anyone from mail-bombing a stranger's inbox."""
    if is_ratelimited(
        request, group="subscribe-ip", key="ip", rate=settings.SUBSCRIBE_RATE_PER_IP, method="POST", increment=True
    ):
        return True
    return bool(email) and is_ratelimited(
        request,
        group="subscribe-address",
        key=lambda _group, _request: email,
        rate=settings.SUBSCRIBE_RATE_PER_ADDRESS,
        method="POST",
        increment=True,
    )


def _email_change_limited(request: HttpRequest, subscriber: Subscriber, new_email: str) -> bool:
    """Per reader (one manage link must not mail the world) and per target address, counted with sign-ups to
    that address: both mail a link to a mailbox the sender may not own."""
    if is_ratelimited(
        request,
        group="email-change-reader",
        key=lambda _group, _request: str(subscriber.pk),
        rate=settings.EMAIL_CHANGE_RATE_PER_READER,
        method="POST",
        increment=True,
    ):
        return True
    return is_ratelimited(
        request,
        group="subscribe-address",
        key=lambda _group, _request: new_email.strip().lower(),
        rate=settings.SUBSCRIBE_RATE_PER_ADDRESS,
        method="POST",
        increment=True,
    )


def _sign_up_initial(language: str) -> dict:
    """The page's language, and the time zone its readers most likely live in."""
    return {"language": language, "time_zone": DEFAULT_ZONE.get(language, "UTC")}


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    requested = request.GET.get("lang", "")
    if requested in DJANGO_LANGUAGE:  # from an archive page in that language: the form speaks it and offers it
        translation.activate(DJANGO_LANGUAGE[requested])
        request.LANGUAGE_CODE = translation.get_language()
    page_language = DJANGO_TO_LANGUAGE.get(translation.get_language() or "", "en")
    if request.method == "GET":
        # Built only if the template's cached blank form has expired (it is cached per page language).
        blank = SimpleLazyObject(lambda: SubscribeForm(initial=_sign_up_initial(page_language)))
        return render(request, "subscribers/subscribe.html", {"form": blank, "bound": False})
    form = SubscribeForm(request.POST, initial=_sign_up_initial(page_language))
    if request.method == "POST":
        valid = form.is_valid()
        if _subscribe_limited(request, form.cleaned_data.get("email") if valid else None):
            return rate_limited(request)
        if valid:
            if not form.cleaned_data.get("website"):
                data = form.cleaned_data
                subscription.request_subscription(
                    data["email"],
                    language=data["language"],
                    topics=list(data["topics"]),
                    max_papers=data["max_papers"],
                    frequency=data["frequency"] or Subscriber.Frequency.DAILY,
                    bilingual=data["bilingual"],
                    time_zone=data["time_zone"],
                    delivery_hour=data["delivery_hour"],
                )
            # The same page whatever the address's state: nothing reveals who is subscribed.
            return render(request, "subscribers/check_your_email.html")
    return render(request, "subscribers/subscribe.html", {"form": form, "bound": True})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (mail scanners follow GETs and must not subscribe anyone); POST confirms."""
    try:
        subscriber, payload = read_token(token, "confirm", max_age_seconds=_confirm_max_age())
    except InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "GET":
        with _in_language(subscriber):
            return render(request, "subscribers/confirm.html", {"subscriber": subscriber})
    if not subscription.confirm_subscription(subscriber, payload):
        return _invalid_link(request, InvalidToken("revoked"))
    manage_url = reverse("subscribers:manage", args=[make_token(subscriber, "manage")])
    with _in_language(subscriber):
        return render(request, "subscribers/confirmed.html", {"subscriber": subscriber, "manage_url": manage_url})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = read_token(token, "manage", max_age_seconds=_manage_max_age())
    except InvalidToken as error:
        renew = reverse("subscribers:renew_manage_link", args=[token]) if error.reason == "expired" else ""
        return _invalid_link(request, error, renew)
    action = request.POST.get("action", "preferences") if request.method == "POST" else None
    form = PreferencesForm(request.POST if action == "preferences" else None, initial=preferences_initial(subscriber))
    pause_form = PauseForm(request.POST if action == "pause" else None)
    email_form = EmailChangeForm(request.POST if action == "email" else None)
    notice = ""
    if action == "preferences" and form.is_valid():
        preferences.update_preferences(subscriber, **form.preferences())
        notice = "saved"
    elif action == "pause" and pause_form.is_valid():
        preferences.pause(subscriber, pause_form.cleaned_data["days"])
        notice = "paused" if pause_form.cleaned_data["days"] else "resumed"
    elif action == "email" and email_form.is_valid():
        if _email_change_limited(request, subscriber, email_form.cleaned_data["new_email"]):
            return rate_limited(request)
        preferences.request_email_change(subscriber, email_form.cleaned_data["new_email"])
        notice = "email_sent"
    elif action == "reset_learning":
        learning.reset_learning(subscriber)
        notice = "learning_reset"
    elif action == "signout":
        preferences.sign_out_everywhere(subscriber)
        with _in_language(subscriber):
            return render(request, "subscribers/signed_out.html", {"subscriber": subscriber})
    context = {
        "subscriber": subscriber,
        "form": form,
        "pause_form": pause_form,
        "email_form": email_form,
        "notice": notice,
        "new_email": email_form.cleaned_data.get("new_email", "") if notice == "email_sent" else "",
        "paused": preferences.is_paused(subscriber),
        "deliveries": preferences.recent_deliveries(subscriber),
        "fewer": feedback.fewer_of_these(subscriber),
        "learned": learning.has_learned(subscriber),
        "unsubscribe_url": reverse("subscribers:unsubscribe", args=[make_token(subscriber, "unsubscribe")]),
    }
    with _in_language(subscriber):
        return render(request, "subscribers/manage.html", context)


@require_http_methods(["POST"])
def renew_manage_link(request: HttpRequest, token: str) -> HttpResponse:
    """An expired preference link asks for a new one: mailed to the address on file, so holding an old link
    gives its holder nothing but a mail to the reader. A revoked or tampered link gets nothing."""
    try:
        subscriber, _ = read_token(token, "manage")  # any age: the signature and the version still hold
    except InvalidToken as error:
        return _invalid_link(request, error)
    if is_ratelimited(
        request,
        group="fresh-link-reader",
        key=lambda _group, _request: str(subscriber.pk),
        rate=settings.FRESH_LINK_RATE_PER_READER,
        method="POST",
        increment=True,
    ):
        return rate_limited(request)
    preferences.send_fresh_manage_link(subscriber)
    with _in_language(subscriber):
        return render(request, "subscribers/new_link_sent.html")


@require_http_methods(["GET", "POST"])
def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (a scanner following the link changes nothing); POST moves the subscription."""
    try:
        subscriber, payload = read_token(token, "email_change", max_age_seconds=_confirm_max_age())
    except InvalidToken as error:
        return _invalid_link(request, error)
    new_email = payload.get("e")
    if not is_valid_address(new_email):
        return _invalid_link(request, InvalidToken("invalid"))
    if request.method == "GET":
        with _in_language(subscriber):
            return render(request, "subscribers/email_change_confirm.html", {"new_email": new_email})
    taken = False
    try:
        preferences.confirm_email_change(subscriber, new_email)
    except preferences.EmailTaken:
        taken = True
    with _in_language(subscriber):
        return render(
            request,
            "subscribers/email_changed.html",
            {
                "subscriber": subscriber,
                "taken": taken,
                "new_email": new_email,
                "manage_url": reverse("subscribers:manage", args=[make_token(subscriber, "manage")]),
            },
            status=409 if taken else 200,
        )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, payload = read_token(token, "unsubscribe")
    except InvalidToken as error:
        return _invalid_link(request, error)
    with _in_language(subscriber):
        if request.method == "POST":
            subscription.unsubscribe_from_link(subscriber, payload)
            return render(request, "subscribers/unsubscribed.html", _unsubscribed_context(subscriber))
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            # The link opened again: say so, with the way back, instead of asking the question again.
            return render(request, "subscribers/unsubscribed.html", _unsubscribed_context(subscriber, already=True))
        # GET never unsubscribes: link scanners follow GETs.
        return render(request, "subscribers/unsubscribe_confirm.html", {"subscriber": subscriber})


def _unsubscribed_context(subscriber: Subscriber, *, already: bool = False) -> dict:
    return {
        "subscriber": subscriber,
        "already": already,
        "resubscribe_url": reverse("subscribers:resubscribe", args=[make_token(subscriber, "resubscribe")]),
        "manage_url": reverse("subscribers:manage", args=[make_token(subscriber, "manage")]),
    }


@require_http_methods(["GET", "POST"])
def resubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = read_token(token, "resubscribe", max_age_seconds=_confirm_max_age())
    except InvalidToken as error:
        return _invalid_link(request, error)
    with _in_language(subscriber):
        if request.method == "POST":
            active = subscription.resubscribe(subscriber)
            manage_url = reverse("subscribers:manage", args=[make_token(subscriber, "manage")])
            return render(request, "subscribers/resubscribed.html", {"active": active, "manage_url": manage_url})
        return render(request, "subscribers/resubscribe_confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, token: str, arxiv_id: str, vote: str) -> HttpResponse:
    """GET shows one button (scanners follow GETs and must not vote); POST records the vote."""
    try:
        subscriber, _ = read_token(token, "feedback")
    except InvalidToken as error:
        return _invalid_link(request, error)
    paper = feedback.votable_paper(arxiv_id)
    with _in_language(subscriber):
        if paper is None:
            return render(request, "subscribers/feedback_unknown_paper.html", status=404)
        context = {"paper": paper, "text": localize(paper, subscriber.language), "vote": vote}
        if request.method == "POST":
            feedback.record_feedback(subscriber, paper, vote)
            context["manage_url"] = reverse("subscribers:manage", args=[make_token(subscriber, "manage")])
            context["archive_url"] = feedback.edition_page_of(paper, subscriber.language)
            return render(request, "subscribers/feedback_thanks.html", context)
        return render(request, "subscribers/feedback_confirm.html", context)
