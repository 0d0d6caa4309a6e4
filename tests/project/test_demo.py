"""`make demo` on a throwaway copy of the repository: no network, no environment, emails in the outbox."""

import email
import os
import shutil
import sqlite3
import subprocess
from email import policy
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow
BASE_DIR = Path(settings.BASE_DIR)


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [line for line in result.stdout.splitlines() if line]


def test_make_demo_sends_one_email_per_demo_subscriber(tmp_path):
    copy = tmp_path / "repo"
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (BASE_DIR / name).is_file():
            shutil.copy2(BASE_DIR / name, target)
    # Reuse the installed environment: the install step itself is what `make test` just ran.
    (copy / ".venv").symlink_to(BASE_DIR / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "TRANSLATOR_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(["make", "demo"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    outbox = copy / "var" / "outbox"
    assert f"Emails: {outbox}" in result.stdout
    assert "TRANSLATOR_BASE_URL" in result.stdout and "reference" in result.stdout
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")]
    assert sorted(m["To"] for m in messages) == [
        "demo-cn@example.com", "demo-en@example.com", "demo-hk@example.com", "demo-tw@example.com",
    ]  # fmt: skip
    tw = next(m for m in messages if m["To"] == "demo-tw@example.com").get_body(("html",)).get_content()
    assert "絕對零" in tw or "零資料" in tw  # reference translation, converted to Taiwan phrasing

    again = subprocess.run(["make", "demo"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert len(list(outbox.glob("*.eml"))) == 4, "a second demo run mails nobody twice"
    # The next sample day is left for an editor: a draft edition with papers, sent to nobody.
    assert "wait for an editor (not sent)" in again.stdout
    assert "0 new (already loaded) reference Simplified Chinese translations" in again.stdout
    with sqlite3.connect(copy / "var" / "db.sqlite3") as db:
        (edition_id, status), *_ = db.execute("SELECT id, status FROM digest_edition WHERE date = '2025-05-29'")
        entries = db.execute("SELECT COUNT(*) FROM digest_editionentry WHERE edition_id = ?", (edition_id,))
        assert status == "draft" and entries.fetchone()[0] > 0
