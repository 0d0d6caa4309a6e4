"""Languages, in one place: the reader-facing variants, their names and order, the OpenCC configuration
that makes each from the one stored translation, Django's interface codes, and the browser tags that mean
each variant."""

from __future__ import annotations

import re
from enum import StrEnum


class Language(StrEnum):
    ZH_HANT_TW = "zh-Hant-TW"
    ZH_HANT_HK = "zh-Hant-HK"
    ZH_HANS = "zh-Hans"
    EN = "en"


LANGUAGE_CHOICES = [
    (Language.ZH_HANT_TW.value, "繁體中文（台灣）"),
    (Language.ZH_HANT_HK.value, "繁體中文（香港）"),
    (Language.ZH_HANS.value, "简体中文"),
    (Language.EN.value, "English"),
]
#: Label and position of each variant, for tables that list them in the order above.
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
LANGUAGE_ORDER = {code: index for index, (code, _label) in enumerate(LANGUAGE_CHOICES)}

#: The language the model writes; every Chinese variant is converted from it by OpenCC.
TRANSLATION_LANGUAGE = Language.ZH_HANS.value

#: OpenCC configuration per variant (None: shown as stored).
OPENCC_CONFIG = {
    Language.ZH_HANT_TW.value: "s2twp",
    Language.ZH_HANT_HK.value: "s2hk",
    Language.ZH_HANS.value: None,
}

#: Django's (lower-case) language code for the interface strings of each variant.
DJANGO_LANGUAGE = {
    Language.ZH_HANT_TW.value: "zh-tw",
    Language.ZH_HANT_HK.value: "zh-hk",
    Language.ZH_HANS.value: "zh-hans",
    Language.EN.value: "en",
}
DJANGO_TO_LANGUAGE = {value: key for key, value in DJANGO_LANGUAGE.items()}


def is_chinese(language: str) -> bool:
    return language in OPENCC_CONFIG


def variant_of_django_code(code: str | None) -> str:
    """The reader variant of an active Django interface language (English for anything else)."""
    return DJANGO_TO_LANGUAGE.get(code or "", Language.EN.value)


#: Chinese tags that Django's LocaleMiddleware would misread, and the interface language each means.
VARIANT_OF = {
    "zh-hant-hk": "zh-HK", "zh-hant-mo": "zh-HK", "zh-mo": "zh-HK",
    "zh-hant-tw": "zh-TW", "zh-hant": "zh-TW",
    "zh-hans": "zh-Hans", "zh-hans-cn": "zh-Hans", "zh-hans-sg": "zh-Hans", "zh-hans-hk": "zh-Hans",
    "zh-hans-mo": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
}  # fmt: skip
_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def normalize_accept_language(header: str) -> str:
    """Rewrites Chinese tags (zh-Hant-HK, zh-MO, zh-Hans-CN ...) to the three variants Django serves."""
    return _TAG.sub(lambda m: VARIANT_OF.get(m.group(0).lower(), m.group(0)), header)
