"""No public default SECRET_KEY: a production process without one refuses to start and says why in one line."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.project.test_deploy_check import PRODUCTION, check_deploy


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG") and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
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


def test_check_deploy_refuses_a_published_key():
    for published in ("insecure-development-key-change-me-in-production-0123456789", "change-me-in-production"):
        result = check_deploy(**(PRODUCTION | {"SECRET_KEY": published}))
        assert result.returncode != 0
        assert "subscribers.E001" in result.stderr + result.stdout
