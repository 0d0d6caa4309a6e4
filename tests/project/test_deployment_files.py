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
