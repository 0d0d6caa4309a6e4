"""`manage.py check --deploy` passes with production settings, and warns when they are incomplete."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECURE_SSL": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "papers.example.org",
    "SITE_URL": "https://papers.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/2",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "ANYMAIL_WEBHOOK_SECRET": "hook:" + secrets.token_urlsafe(24),
}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = check_deploy(**PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_rate_limits_would_count_per_process():
    result = check_deploy(**(PRODUCTION | {"CACHE_URL": "locmemcache://"}))
    assert result.returncode != 0
    assert "subscribers.W001" in result.stderr + result.stdout


def test_check_deploy_fails_without_https():
    result = check_deploy(**(PRODUCTION | {"SECURE_SSL": "false"}))
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_check_deploy_flags_unauthenticated_tracking_webhooks():
    result = check_deploy(**{k: v for k, v in PRODUCTION.items() if k != "ANYMAIL_WEBHOOK_SECRET"})
    assert result.returncode != 0
    assert "digest.E001" in result.stderr + result.stdout and "ANYMAIL_WEBHOOK_SECRET" in result.stdout + result.stderr


def test_check_deploy_without_https_leaves_only_what_the_reverse_proxy_answers():
    result = check_deploy(**(PRODUCTION | {"SECURE_SSL": "false"}))
    ids = set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr))
    assert ids == {"security.W004", "security.W008", "security.W012", "security.W016"}, result.stderr


def test_check_deploy_flags_mailgun_without_a_webhook_signing_key():
    mailgun = {"EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend", "ANYMAIL_MAILGUN_API_KEY": "key"}
    result = check_deploy(**(PRODUCTION | mailgun))
    assert result.returncode != 0 and "digest.E002" in result.stdout + result.stderr
    signed = check_deploy(**(PRODUCTION | mailgun | {"ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"}))
    assert signed.returncode == 0, signed.stdout + signed.stderr
