"""The whole dependency tree is pinned (constraints.txt, used by `make install` and the image), not only the
direct dependencies, and the venv's pip and setuptools are pinned current with it."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


def constraints() -> dict[str, str]:
    pins = {}
    for line in (BASE / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned exactly: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_pinned_at_its_installed_version():
    pins = constraints()
    project = normalized(tomllib.loads((BASE / "pyproject.toml").read_text())["project"]["name"])
    installed = {normalized(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop(project, None)
    unpinned = {name: version for name, version in installed.items() if pins.get(name) != version}
    assert unpinned == {}


def test_every_direct_dependency_is_pinned_exactly_and_agrees_with_the_constraints():
    project = tomllib.loads((BASE / "pyproject.toml").read_text())["project"]
    pins = constraints()
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, _, version = requirement.partition("==")
        assert version, requirement
        assert pins[normalized(re.sub(r"\[.*\]", "", name))] == version, requirement


def test_make_install_and_the_image_install_through_the_constraints():
    makefile, dockerfile = (BASE / "Makefile").read_text(), (BASE / "Dockerfile").read_text()
    assert re.search(r"pip install .*-c constraints\.txt.* pip setuptools", makefile)
    assert re.search(r"pip install .*-c constraints\.txt.*-e \"\.\[dev\]\"", makefile)
    assert "-c constraints.txt" in dockerfile
    assert {"pip", "setuptools"} <= set(constraints())
