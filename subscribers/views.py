"""Thin views over subscribers.services: sign-up, confirmation, preference centre, unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from digest.languages import DJANGO_LANGUAGE

from . import services
from .forms import PreferencesForm, SubscribeForm, preferences_initial
from .tokens import InvalidToken, read_token


def _invalid_link(request: HttpRequest, error: InvalidToken) -> HttpResponse:
    return render(request, "subscribers/invalid_link.html", {"reason": error.reason}, status=400)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data.get("website"):
            data = form.cleaned_data
            services.request_subscription(
                data["email"],
                language=data["language"],
                topics=list(data["topics"]),
                max_papers=data["max_papers"],
                bilingual=data["bilingual"],
                time_zone=data["time_zone"],
                delivery_hour=data["delivery_hour"],
            )
        # The same page whatever the address's state: nothing reveals who is subscribed.
        return render(request, "subscribers/check_your_email.html")
    return render(request, "subscribers/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = read_token(token, "confirm", max_age_seconds=settings.CONFIRM_LINK_MAX_AGE_DAYS * 86400)
    except InvalidToken as error:
        return _invalid_link(request, error)
    services.confirm(subscriber)
    return render(request, "subscribers/confirmed.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = read_token(token, "manage")
    except InvalidToken as error:
        return _invalid_link(request, error)
    form = PreferencesForm(request.POST or None, initial=preferences_initial(subscriber))
    saved = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for name in ("language", "bilingual", "max_papers", "time_zone", "delivery_hour"):
            setattr(subscriber, name, data[name])
        subscriber.save()
        subscriber.topics.set(data["topics"])
        saved = True
    with translation.override(DJANGO_LANGUAGE.get(subscriber.language, "en")):
        return render(request, "subscribers/manage.html", {"form": form, "saved": saved, "subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = read_token(token, "unsubscribe")
    except InvalidToken as error:
        return _invalid_link(request, error)
    with translation.override(DJANGO_LANGUAGE.get(subscriber.language, "en")):
        if request.method == "POST":
            services.unsubscribe(subscriber)
            return render(request, "subscribers/unsubscribed.html", {"subscriber": subscriber})
        # GET never unsubscribes: link scanners follow GETs.
        return render(request, "subscribers/unsubscribe_confirm.html", {"subscriber": subscriber})
