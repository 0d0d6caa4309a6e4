"""The layout's guard: packages depend one way, services never import the task layer back, and models import no
service."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHECK = ROOT / "scripts" / "check_imports.py"


def write(root: Path, module: str, source: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(root).parents:
        init = root / parent / "__init__.py"
        if parent != Path(".") and not init.exists():
            init.write_text("")
    path.write_text(source)


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), str(root)], capture_output=True, text=True, check=False)


def test_the_project_has_no_back_edge_no_import_circle_and_no_model_importing_a_service():
    result = run_check(ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 problems")


def test_a_lazy_import_back_into_the_task_layer_is_reported_as_a_circle(tmp_path):
    write(tmp_path, "digest.tasks", "from digest.delivery import fanout\n")
    write(tmp_path, "digest.delivery.fanout", "def enqueue():\n    from digest import tasks\n")
    write(tmp_path, "subscribers.models", "")

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "import circle: digest.delivery.fanout -> digest.tasks" in result.stdout


def test_a_relative_import_circle_is_reported(tmp_path):
    write(tmp_path, "digest.a", "from .b import thing\n")
    write(tmp_path, "digest.b", "from . import a\n")
    write(tmp_path, "subscribers.models", "")

    assert "import circle: digest.a -> digest.b" in run_check(tmp_path).stdout


def test_a_models_module_importing_a_service_is_reported(tmp_path):
    write(tmp_path, "digest.models", "from digest.languages import Language\n")
    write(tmp_path, "digest.languages", "")
    write(tmp_path, "subscribers.models", "from subscribers.subscription import subscribe\n")
    write(tmp_path, "subscribers.subscription", "")

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "models imports a service: subscribers.models imports subscribers.subscription" in result.stdout
    assert "digest.models imports" not in result.stdout


def test_a_module_of_a_models_package_importing_a_service_is_reported(tmp_path):
    write(tmp_path, "digest.models.papers", "from digest.papers.ingest import fetch_source\n")
    write(tmp_path, "digest.papers.ingest", "")
    write(tmp_path, "subscribers.models", "")

    result = run_check(tmp_path)

    assert "models imports a service: digest.models.papers imports digest.papers.ingest" in result.stdout


def test_a_lazy_import_from_an_earlier_package_into_a_later_one_is_a_back_edge(tmp_path):
    write(tmp_path, "digest.papers.classify", "def classify():\n    from digest.translation.stored import current\n")
    write(tmp_path, "digest.translation.stored", "")
    write(tmp_path, "subscribers.models", "")

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "package back edge: digest.papers.classify imports digest.translation.stored" in result.stdout


def test_the_reader_package_may_not_use_personalization(tmp_path):
    write(tmp_path, "subscribers.forms", "from digest.personalization.interests import Interests\n")
    write(tmp_path, "digest.personalization.interests", "")
    write(tmp_path, "subscribers.models", "")

    assert "package back edge: subscribers.forms imports digest.personalization.interests" in run_check(tmp_path).stdout


def test_a_forward_edge_is_allowed(tmp_path):
    write(tmp_path, "digest.delivery.fanout", "from digest.personalization.picking import Pick\n")
    write(tmp_path, "digest.personalization.picking", "from digest.papers.selectors import candidate_papers\n")
    write(tmp_path, "digest.papers.selectors", "")
    write(tmp_path, "subscribers.models", "")

    result = run_check(tmp_path)

    assert result.returncode == 0, result.stdout

