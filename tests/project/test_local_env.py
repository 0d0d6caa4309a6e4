"""A local checkout's .env: `make demo` writes one with a generated SECRET_KEY, once, and the settings read it.

The settings read `BASE_DIR / ".env"`, so each test runs manage.py from a throwaway copy of the project package
(manage.py and newsletter/; the apps are imported from this checkout): no file is left in the checkout, whose
own .env, if any, stays untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Keys long enough to start with DEBUG off (50 characters or more).
FILE_KEY = "key-from-the-local-env-file-0123456789-long-enough-to-be-used"
ENVIRONMENT_KEY = "key-from-the-environment-9876543210-long-enough-to-be-used"
SETTINGS_PROBE = "from django.conf import settings; print(settings.SECRET_KEY); print(settings.DEBUG)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """manage.py and the settings package in a directory of their own: that directory is BASE_DIR."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy2(BASE_DIR / "manage.py", copy / "manage.py")
    shutil.copytree(BASE_DIR / "newsletter", copy / "newsletter", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def manage(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with none of this process's key, debug or settings module: as a person runs it in a shell."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG") and not k.startswith("DJANGO_")
    }
    environment |= {
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": f"sqlite:///{project / 'never-opened.sqlite3'}",
        "VAR_DIR": str(project / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_take_the_secret_key_from_the_env_file(project):
    (project / ".env").write_text(f"# written by make demo\nSECRET_KEY={FILE_KEY}\n")
    result = manage(project, "shell", "-v", "0", "-c", SETTINGS_PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [FILE_KEY, "False"]


def test_an_environment_variable_wins_over_the_env_file(project):
    (project / ".env").write_text(f"SECRET_KEY={FILE_KEY}\n")
    result = manage(project, "shell", "-v", "0", "-c", SETTINGS_PROBE, SECRET_KEY=ENVIRONMENT_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == ENVIRONMENT_KEY


def test_without_an_env_file_or_a_key_the_process_still_refuses_to_start(project):
    result = manage(project, "shell", "-v", "0", "-c", SETTINGS_PROBE)
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr.strip()


# --- make demo -----------------------------------------------------------------------------------------------


@pytest.fixture
def makefile_only(tmp_path: Path) -> Path:
    """The real Makefile in a directory whose `.venv/bin/python` does nothing and whose install is up to date:
    `make demo` there runs only its own recipe lines."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    copy = tmp_path / "checkout"
    (copy / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(BASE_DIR / "Makefile", copy / "Makefile")
    for name in ("pyproject.toml", "constraints.txt", "scripts/count_packages.py"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text("")
    python = copy / ".venv" / "bin" / "python"
    python.write_text("#!/bin/sh\nexit 0\n")
    python.chmod(0o755)
    stamp = copy / ".venv" / ".installed"
    stamp.write_text("")
    os.utime(stamp, (os.path.getmtime(copy / "constraints.txt") + 10,) * 2)
    return copy


def make_demo(checkout: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(["make", "demo"], cwd=checkout, env=environment, capture_output=True, text=True, timeout=60)


def env_file_values(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_make_demo_writes_an_env_file_with_this_machines_generated_key(makefile_only):
    result = make_demo(makefile_only)
    assert result.returncode == 0, result.stderr
    values = env_file_values(makefile_only / ".env")
    generated = (makefile_only / "var" / "secret_key").read_text().strip()
    assert values == {"SECRET_KEY": generated}  # DEBUG stays off: the file does not turn it on
    assert len(generated) >= 50
    assert (makefile_only / ".env").stat().st_mode & 0o077 == 0, "only its owner reads the key"


def test_make_demo_never_overwrites_an_existing_env_file(makefile_only):
    (makefile_only / ".env").write_text("SECRET_KEY=the-owners-own-key\nTRANSLATOR_MODEL=qwen3:8b\n")
    result = make_demo(makefile_only)
    assert result.returncode == 0, result.stderr
    assert (makefile_only / ".env").read_text() == "SECRET_KEY=the-owners-own-key\nTRANSLATOR_MODEL=qwen3:8b\n"


def test_git_and_docker_leave_the_env_file_out():
    from tests.project.test_deployment_files import dockerignored

    assert dockerignored(".env")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=BASE_DIR)
    assert ignored.returncode == 0, ".env is not git-ignored"
