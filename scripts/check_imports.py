"""The import-graph guard: packages depend one way (LAYERS), no import circle inside `digest/` and
`subscribers/`, and no `models` module that imports a service.

Reads the source with `ast` (nothing is imported or executed), counting imports inside functions too: a
lazy import is still a dependency, and lazy imports were how the old circle hid. Prints each problem on
one line and exits 1 when there is any; `tests/project/test_import_graph.py` runs it.

    python scripts/check_imports.py [ROOT]
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGES = ("digest", "subscribers")
#: What a models module may import from the project: other models, the languages vocabulary, and the stored form
#: of follows and mutes (its validator; subscribers.interests imports nothing of the project).
MODELS_MAY_IMPORT = ("digest.models", "subscribers.models", "digest.languages", "subscribers.interests")


#: The packages in the order the day flows, each allowed to import only its own layer and the layers before it:
#: sources -> papers -> translation -> editions -> personalization -> delivery, with subscribers (a reader's own
#: data and status) beside them, before what reads it. A module's layer is its longest listed prefix; a new digest
#: package falls in the shared layer until it is listed, so it may import nothing of the stages either.
LAYERS: tuple[tuple[str, ...], ...] = (
    # the shared vocabulary: models, languages, text and message helpers, the job queue by task name
    ("digest.models", "subscribers.models", "subscribers.interests", "digest.languages", "digest.hidden_characters",
     "digest.editor_text",
     "digest.caching", "digest.jobs", "digest.staff_roles", "digest"),
    ("digest.sources",),
    ("digest.papers",),
    ("digest.translation",),
    ("subscribers",),
    ("digest.editions",),
    ("digest.personalization",),
    ("digest.delivery",),
    ("digest.daily", "digest.setup_checks", "digest.health"),
    ("digest.tasks",),
    # entry points: the app's wiring, pages, feeds, commands
    ("digest.apps", "digest.admin", "digest.web", "digest.templatetags", "digest.management"),
)  # fmt: skip


def layer_of(module: str) -> int:
    best, found = -1, 0
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), rank
    return found


def back_edges(edges: dict[str, set[str]]) -> list[str]:
    """Imports from a layer into a later one (lazy imports included)."""
    problems = []
    for name, targets in sorted(edges.items()):
        rank = layer_of(name)
        for target in sorted(targets):
            if layer_of(target) > rank:
                problems.append(f"package back edge: {name} imports {target}")
    return problems


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(root, path)] = path
    return modules


def imports_of(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """Project modules `name` imports: `from a.b import c` counts a.b.c when that is a module, else a.b."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(root: Path) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def models_importing_services(edges: dict[str, set[str]]) -> list[str]:
    problems = []
    for name, targets in sorted(edges.items()):
        if ".models." in f"{name}.":  # a models module, or a module of a models package
            problems += [f"{name} imports {t}" for t in sorted(targets) if not t.startswith(MODELS_MAY_IMPORT)]
    return problems


def problems(root: Path) -> list[str]:
    edges = graph(root)
    found = [f"import circle: {' -> '.join(component)}" for component in cycles(edges)]
    found += back_edges(edges)
    return found + [f"models imports a service: {line}" for line in models_importing_services(edges)]


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(line)
    print(f"{len(graph(root))} modules, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
