"""Chinese language tags that Django's LocaleMiddleware would misread.

Django reduces a tag it does not know to its bare language and takes the first `zh-*` in LANGUAGES, so a
browser asking for `zh-Hant-HK` (script subtag, as Apple and Android systems write it) or `zh-MO` got
Taiwan's wording, and `zh-Hans-CN` only worked by luck of fallbacks. This rewrites those tags to the
three variants we serve before LocaleMiddleware reads the header; q-values and other languages are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

VARIANT_OF = {
    "zh-hant-hk": "zh-HK", "zh-hant-mo": "zh-HK", "zh-mo": "zh-HK",
    "zh-hant-tw": "zh-TW", "zh-hant": "zh-TW",
    "zh-hans": "zh-Hans", "zh-hans-cn": "zh-Hans", "zh-hans-sg": "zh-Hans", "zh-hans-hk": "zh-Hans",
    "zh-hans-mo": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
}  # fmt: skip
_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def normalize(header: str) -> str:
    return _TAG.sub(lambda m: VARIANT_OF.get(m.group(0).lower(), m.group(0)), header)


class ChineseLanguageTagsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header and "zh" in header.lower():
            request.META["HTTP_ACCEPT_LANGUAGE"] = normalize(header)
        return self.get_response(request)
