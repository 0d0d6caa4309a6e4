"""Every interface string the code marks is translated in the three Chinese catalogues.

Found by Django's own makemessages run over a copy of the project (not a list of strings kept by hand): a string
marked anywhere, in a model, a form, an admin page or a template, and missing or fuzzy in zh_TW, zh_HK or zh_Hans
fails here, before an editor or a reader sees it in English. A string that Django's own catalogue translates (an
admin template the project overrides uses Django's words) is translated there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = {"zh_TW": "zh_Hant", "zh_HK": "zh_Hant", "zh_Hans": "zh_Hans"}


def djangos_own(django_locale: str) -> set[str]:
    """The msgids Django's own catalogues (admin and the core) translate for this script."""
    root = Path(django.__file__).parent
    found: set[str] = set()
    for path in (root / "contrib/admin/locale", root / "conf/locale"):
        po_path = path / django_locale / "LC_MESSAGES" / "django.po"
        if po_path.exists():
            found |= {entry.msgid for entry in polib.pofile(str(po_path)).translated_entries()}
    return found


def test_every_marked_string_is_translated_in_each_chinese_catalogue(tmp_path):
    tracked = subprocess.run(["git", "ls-files"], cwd=BASE, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        if name.startswith(("tests/", "bench/", "scripts/")) or not (BASE / name).is_file():
            continue
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BASE / name, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *(f"-l{code}" for code in CATALOGUES), "-v", "0"],
        cwd=tmp_path, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "catalogue-check-" + "k" * 48, "DEBUG": "true"},
    )  # fmt: skip
    missing = []
    for code, django_locale in CATALOGUES.items():
        catalogue = polib.pofile(str(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po"))
        translated_by_django = djangos_own(django_locale)
        for entry in catalogue:
            if entry.obsolete or entry.msgid in translated_by_django:
                continue
            if "fuzzy" in entry.flags or not (entry.msgstr or any(entry.msgstr_plural.values())):
                missing.append(f"{code}: {entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})")
    assert not missing, "untranslated:\n" + "\n".join(missing)
