"""The compose file stays valid without a Docker engine, and names the services the README promises."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"


def test_compose_file_has_web_worker_beat_postgres_redis_and_mailpit():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "mailpit"}
    assert "celery -A newsletter beat" in services["beat"]["command"]
    assert "celery -A newsletter worker" in services["worker"]["command"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian's docker-compose is installed by make test")
def test_docker_compose_config_accepts_the_file():
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, cwd=COMPOSE.parent
    )
    assert result.returncode == 0, result.stderr


def test_celery_beat_schedules_the_daily_run():
    from newsletter.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule["run-daily"]
    assert entry["task"] == "digest.tasks.run_daily"
    assert entry["task"] in app.tasks


def dockerignored(path: str) -> bool:
    """Docker's rule, enough for these patterns: the last matching line wins, a directory pattern covers what
    is under it, `**/` matches at any depth."""
    import fnmatch

    ignored = False
    for line in (COMPOSE.parent / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        candidates = prefixes + (
            [p.split("/", j)[-1] for p in prefixes for j in range(p.count("/") + 1)]
            if pattern.startswith("**/")
            else []
        )
        if any(fnmatch.fnmatchcase(c, pattern.removeprefix("**/")) for c in candidates):
            ignored = not negate
    return ignored


@pytest.mark.parametrize(
    "path", [".venv/bin/python", "var/db.sqlite3", "var/outbox/2025-05-28-1.eml", "build/django_locale/zh_TW/x.po"]
)
def test_the_docker_image_leaves_out_the_virtualenv_var_and_build(path):
    assert dockerignored(path)


@pytest.mark.parametrize("path", ["manage.py", "digest/models.py", "templates/email/digest.html", "pyproject.toml"])
def test_the_docker_image_keeps_the_code(path):
    assert not dockerignored(path)


def test_worker_and_beat_wait_for_the_migrations_the_web_container_runs():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert "migrate" in services["web"]["command"]
    for name in ("worker", "beat"):
        assert services[name]["command"].startswith('sh -c "python manage.py wait_for_migrations && exec celery')


@pytest.mark.django_db
def test_wait_for_migrations_returns_at_once_on_a_migrated_database():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("wait_for_migrations", "--timeout", "0", stdout=out)
    assert "migrations applied" in out.getvalue()
