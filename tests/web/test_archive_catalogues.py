"""Every interface string of the archive's templates is in each Chinese catalogue, including those a crawl of a
small archive never renders (an empty archive's "no editions yet")."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "digest"
ARCHIVE_TEMPLATES = ("archive_day.html", "archive_index.html", "archive_languages.html", "archive_paper.html",
                     "feed_item.html", "paper.html")  # fmt: skip
ARCHIVE_MODULES = ("day_page.py", "feeds.py")
TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
GETTEXT = re.compile(r"""\bgettext\((["'])(.+?)\1\)""")


def interface_strings() -> set[str]:
    in_templates = {m[1] for name in ARCHIVE_TEMPLATES for m in TRANSLATE.findall((TEMPLATES / name).read_text())}
    modules = Path(settings.BASE_DIR) / "digest" / "web"
    in_modules = {m[1] for name in ARCHIVE_MODULES for m in GETTEXT.findall((modules / name).read_text())}
    return in_templates | in_modules


def test_the_archive_templates_have_interface_strings_to_check():
    assert {"Contents", "Editor's picks", "Other", "Older editions", "No editions yet."} <= interface_strings()


@pytest.mark.parametrize("language", ["zh-tw", "zh-hk", "zh-hans"])
def test_every_archive_string_is_translated(language):
    with translation.override(language):
        untranslated = sorted(text for text in interface_strings() if translation.gettext(text) == text)
    assert untranslated == []
