"""The README's Docker block as a self-hoster follows it, checked without a Docker engine: every command it runs
names a compose service and a real management command with options that parse, the compose file gives the app
every variable the settings require, and the demo it runs populates the site without mailing anyone through a
real provider (the compose file's backend is SMTP)."""

from __future__ import annotations

import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class

from digest.models import Edition
from tests.fakes.smtp import FakeSMTPServer

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "beat")


def readme_docker_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Docker: `docker compose up`, end to end", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_compose_file_has_no_obsolete_version_key():
    assert "version" not in COMPOSE


def test_the_readme_block_first_gives_compose_a_generated_secret_key():
    first = readme_docker_block()[0]
    assert ".env" in first and "SECRET_KEY=" in first and "secrets" in first
    required = COMPOSE["x-app"]["environment"]["SECRET_KEY"] if "x-app" in COMPOSE else None
    assert required is None or required.startswith("${SECRET_KEY")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_service_gets_what_the_settings_require(service):
    environment = COMPOSE["services"][service]["environment"]
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_BACKEND", "SITE_URL",
                 "ALLOWED_HOSTS"):  # fmt: skip
        assert environment.get(name), f"{service} lacks {name}"


def test_every_manage_py_line_of_the_readme_block_names_a_service_and_a_command_that_parses():
    commands = get_commands()
    lines = [line for line in readme_docker_block() if "manage.py" in line]
    assert lines, "the Docker block runs no management command"
    for line in lines:
        words = shlex.split(line)
        assert words[:3] == ["docker", "compose", "exec"], line
        assert words[3] in COMPOSE["services"], line
        name, arguments = words[words.index("manage.py") + 1], words[words.index("manage.py") + 2 :]
        assert name in commands, line
        load_command_class(commands[name], name).create_parser("manage.py", name).parse_args(arguments)


@pytest.mark.django_db
def test_the_demo_with_an_smtp_backend_populates_the_site_and_mails_nobody(
    settings, topics, django_capture_on_commit_callbacks
):
    with FakeSMTPServer() as smtp, django_capture_on_commit_callbacks(execute=True):
        smtp.configure(settings)
        out = StringIO()
        call_command("demo", stdout=out)
    assert smtp.received == []
    assert "built, not sent" in out.getvalue()
    assert Edition.objects.filter(date="2025-05-28").exists() and Edition.objects.filter(date="2025-05-29").exists()


@pytest.mark.django_db
def test_the_demo_sends_to_a_mail_catcher_only_when_asked(settings, topics, django_capture_on_commit_callbacks):
    with FakeSMTPServer() as smtp, django_capture_on_commit_callbacks(execute=True):
        smtp.configure(settings)
        call_command("demo", "--send", stdout=StringIO())
    assert sorted(smtp.recipients()) == [
        "demo-cn@example.com", "demo-en@example.com", "demo-hk@example.com", "demo-tw@example.com",
    ]  # fmt: skip
