"""No public default SECRET_KEY: a production process without one refuses to start and says why in one line."""

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from tests.project.test_deploy_check import PRODUCTION, check_deploy


@cache
def checkout_without_env_file() -> Path:
    """The project as a fresh clone has it: no `.env` (which `make demo` writes, and the settings read). The
    project package is copied, so the settings' BASE_DIR is the copy; the apps are linked."""
    root = Path(settings.BASE_DIR)
    copy = Path(tempfile.mkdtemp(prefix="no-env-"))
    shutil.copy2(root / "manage.py", copy / "manage.py")
    shutil.copytree(root / "newsletter", copy / "newsletter", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("digest", "subscribers", "templates", "static", "locale"):
        (copy / name).symlink_to(root / name)
    return copy


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG") and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=checkout_without_env_file(),
        env=environment | {"DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_secret_key_and_debug_off_the_process_refuses_to_start_in_one_line():
    result = manage("check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY" in lines[0], result.stderr


def test_debug_on_without_secret_key_starts_for_development():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


WEAK_KEYS = {
    "a space": " ",
    "one character": "x",
    "49 characters": "k3Y-" + "abcdefghij" * 4 + "12345",
    "50 characters, 4 distinct": "abcd" * 12 + "ab",
    "a published short key": "change-me-in-production",
    "Django's startproject placeholder": "django-insecure-" + "0123456789abcdef" * 3,
}


@pytest.mark.parametrize("weak", sorted(WEAK_KEYS))
def test_a_weak_key_with_debug_off_refuses_to_start_in_one_line(weak):
    result = manage("check", SECRET_KEY=WEAK_KEYS[weak])
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY is too weak" in lines[0], result.stderr


def test_a_weak_key_with_debug_on_starts_for_development():
    result = manage("check", SECRET_KEY="x", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_key_of_50_characters_and_5_distinct_ones_starts():
    result = manage("check", SECRET_KEY="abcde" * 10)
    assert result.returncode == 0, result.stderr


def test_check_deploy_refuses_a_published_key():
    published = "insecure-development-key-change-me-in-production-0123456789"  # long enough to start
    result = check_deploy(**(PRODUCTION | {"SECRET_KEY": published}))
    assert result.returncode != 0
    assert "subscribers.E001" in result.stderr + result.stdout
