"""`make install` prints only what matters: setuptools' editable build of the project (which packages nothing and
only brings the dependencies) prints no warning banner, so a real warning or error in the install stands out."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_the_editable_build_of_the_project_prints_no_setuptools_banner(tmp_path: Path):
    shutil.copy(Path(settings.BASE_DIR) / "pyproject.toml", tmp_path)
    build = subprocess.run(
        [sys.executable, "-c", "from setuptools import build_meta; print(build_meta.build_editable('wheel'))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr
    assert list((tmp_path / "wheel").glob("*.whl"))
    assert "Editable installation" not in build.stderr
    assert "Warning" not in build.stderr
