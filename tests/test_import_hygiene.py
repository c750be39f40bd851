"""Domain layers never import Textual; the engine never imports the client, core or ui (DESIGN.md)."""

import subprocess
import sys

import pytest

LAYERS = {
    "nemo_tui.protocol": {"textual", "nemo_tui.client", "nemo_tui.core", "nemo_tui.ui", "nemo_tui.engine", "httpx"},
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
