"""Domain layers never import Textual; the engine never imports the client, core or ui (the
README's Layout section); no two nemo_tui modules import each other, directly or round a loop."""

import subprocess
import sys

import pytest

LAYERS = {
    "nemo_tui.protocol": {
        "textual",
        "nemo_tui.client",
        "nemo_tui.core",
        "nemo_tui.ui",
        "nemo_tui.engine",
        "httpx",
    },
    "nemo_tui.client": {"textual", "nemo_tui.core", "nemo_tui.ui", "nemo_tui.engine"},
    "nemo_tui.core": {"textual", "nemo_tui.ui", "nemo_tui.engine"},
    "nemo_tui.engine": {"textual", "nemo_tui.client", "nemo_tui.core", "nemo_tui.ui"},
}


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_layer_imports_point_down(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    forbidden = {m for m in loaded for bad in LAYERS[package] if m == bad or m.startswith(bad + ".")}
    assert not forbidden, f"{package} pulls in {sorted(forbidden)}"


# Import cycles among nemo_tui's own modules, read from the source (imports inside functions count:
# a lazy import still ties the two modules together; `if TYPE_CHECKING:` blocks do not).
def _module_imports() -> dict[str, set[str]]:
    import ast
    from pathlib import Path

    import nemo_tui

    root = Path(nemo_tui.__file__).parent
    paths = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        paths[".".join(parts)] = path

    def imports(name: str, path: Path) -> set[str]:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        nodes = list(ast.iter_child_nodes(ast.parse(path.read_text(encoding="utf-8"))))
        while nodes:
            node = nodes.pop()
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                nodes.extend(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                for alias in node.names:  # `from . import routes` names a module, not a package attribute
                    found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in paths else module)
            nodes.extend(ast.iter_child_nodes(node))
        return {m for m in found if m in paths and m != name}

    return {name: imports(name, path) for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_nemo_tui_modules():
    cycles = [sorted(c) for c in _cycles(_module_imports())]
    assert not cycles, f"import cycles: {cycles}"


# Facts every layer needs (README, Layout): these import nothing of nemo_tui, so the engine can use
# them without reaching core and the TUI's first paint without loading pydantic.
LEAF_MODULES = (
    "nemo_tui.languages",
    "nemo_tui.loopback",
    "nemo_tui.dirs",
    "nemo_tui.env_vars",
    "nemo_tui.ffmpeg_path",
)


def test_the_shared_fact_modules_are_leaves():
    graph = _module_imports()
    assert {m: sorted(graph[m]) for m in LEAF_MODULES if graph[m]} == {}
    code = f"import sys\nfor m in {LEAF_MODULES!r}: __import__(m)\nprint('pydantic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr
