"""Chinese language tags that Django's LocaleMiddleware would misread (the tags live in digest.languages).

Django reduces a tag it does not know to its bare language and takes the first `zh-*` in LANGUAGES, so a
browser asking for `zh-Hant-HK` (script subtag, as Apple and Android systems write it) or `zh-MO` got
Taiwan's wording, and `zh-Hans-CN` only worked by luck of fallbacks. This rewrites those tags to the
three variants we serve before LocaleMiddleware reads the header; q-values and other languages are kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from digest.languages import normalize_accept_language as normalize


class ChineseLanguageTagsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header and "zh" in header.lower():
            request.META["HTTP_ACCEPT_LANGUAGE"] = normalize(header)
        return self.get_response(request)
