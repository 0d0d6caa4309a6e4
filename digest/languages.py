"""The reader-facing language variants and how each is made from the one stored translation."""

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
