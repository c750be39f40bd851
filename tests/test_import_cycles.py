"""No import cycle among nemo_tui's modules: every `import` counts (top level, inside functions, and
under `if TYPE_CHECKING:`), read from the source, so a lazy import does not hide one."""

from __future__ import annotations

import ast
from pathlib import Path

import nemo_tui

ROOT = Path(nemo_tui.__file__).parent

# Cycles another change is removing (the engine's HTTP helpers imported back from engine.server;
# cli ↔ commands.runtime over `resolve_backend`): tolerated only while they stay inside these
# modules, so this test guards everything else now. Empty it once those cycles are gone.
KNOWN_CYCLE_AREAS: tuple[tuple[str, ...], ...] = (
    ("nemo_tui.engine",),
    ("nemo_tui.cli", "nemo_tui.commands"),
)


def known(cycle: frozenset[str]) -> bool:
    def inside(module: str, area: tuple[str, ...]) -> bool:
        return any(module == a or module.startswith(a + ".") for a in area)
    return any(all(inside(m, area) for m in cycle) for area in KNOWN_CYCLE_AREAS)


def module_name(path: Path) -> str:
    parts = ["nemo_tui", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_walk_sees_the_imports():
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    assert "nemo_tui.core.events" in graph["nemo_tui.core.conversation"]
    assert "nemo_tui.ui.app" in graph["nemo_tui.ui.launch"]  # a lazy import inside a function


def test_no_import_cycles_among_nemo_tui_modules():
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    unknown = [sorted(c) for c in cycles(graph) if not known(c)]
    assert not unknown, f"import cycles: {unknown}"
