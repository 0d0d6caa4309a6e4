"""Django's own strings (the admin's "Home", "Save and continue editing", form errors...) for our Taiwan and
Hong Kong languages.

Django ships Traditional Chinese as `zh_Hant`, but our language codes are `zh-tw` and `zh-hk` (what readers'
browsers send), whose catalogues Django looks for under `zh_TW` / `zh_HK` and never finds: its admin (and
the admin's scripts) stayed English for those editors. This copies Django's `zh_Hant` catalogues, merged, into
`build/django_locale/zh_TW` and `zh_HK` (Hong Kong's converted with OpenCC's t2hk), which LOCALE_PATHS lists
after our own `locale/`. Build output, made by `make messages`; nothing here is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import django
import opencc
import polib

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "build" / "django_locale"


def django_catalogues(domain: str) -> list[Path]:
    root = Path(django.__file__).parent
    return [
        *sorted((root / "conf" / "locale" / "zh_Hant" / "LC_MESSAGES").glob(f"{domain}.po")),
        *sorted(root.glob(f"contrib/*/locale/zh_Hant/LC_MESSAGES/{domain}.po")),
    ]


def merged(domain: str) -> polib.POFile:
    merged_po = polib.POFile()
    merged_po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1; plural=0;"}
    seen: set[tuple[str, str]] = set()
    for path in django_catalogues(domain):
        for entry in polib.pofile(str(path)).translated_entries():
            key = (entry.msgctxt or "", entry.msgid)
            if key not in seen:
                seen.add(key)
                merged_po.append(entry)
    return merged_po


def write(po: polib.POFile, locale: str, domain: str) -> Path:
    target = OUT / locale / "LC_MESSAGES" / f"{domain}.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    po.save_as_mofile(str(target))
    return target


def to_hong_kong(po: polib.POFile) -> polib.POFile:
    convert = opencc.OpenCC("t2hk").convert
    for entry in po:
        entry.msgstr = convert(entry.msgstr)
        entry.msgstr_plural = {index: convert(text) for index, text in entry.msgstr_plural.items()}
    return po


def main() -> int:
    # "django" for the pages, "djangojs" for the admin's scripts (calendar and clock widgets, selectors).
    for domain in ("django", "djangojs"):
        taiwan = merged(domain)
        write(taiwan, "zh_TW", domain)
        write(to_hong_kong(merged(domain)), "zh_HK", domain)
        print(f"Django's own {domain} strings for zh_TW and zh_HK: {len(taiwan)} entries in {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
