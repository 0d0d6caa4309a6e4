"""Prints how many packages pyproject.toml pins (runtime and dev), for `make install`'s one-line notice."""

import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
print(len(project["dependencies"]) + sum(len(extra) for extra in project.get("optional-dependencies", {}).values()))
