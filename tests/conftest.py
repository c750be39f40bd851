"""Shared fixtures: a real local engine on a free loopback port, with its own data dir."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nemo_tui.engine.config import EngineConfig
from nemo_tui.engine.runner import EngineServer

# Engines started by the tests write their owner-secret files here, not in the person's own folders.
if not os.environ.get("NEMO_RUNTIME_DIR"):
    os.environ["NEMO_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="nemo-test-run-")
    atexit.register(shutil.rmtree, os.environ["NEMO_RUNTIME_DIR"], ignore_errors=True)


# Variables that set up the machine or the test run, not what the app does: kept.
_KEPT = {
    "NEMO_RUNTIME_DIR",  # this file's own (the engines' secret files)
    "NEMO_FONT",
    "NEMO_FFMPEG",  # where this machine's CJK font / ffmpeg are
    "NEMO_UI_SHOTS",
}  # where tests save screenshots for a person to look at


@pytest.fixture(autouse=True)
def _no_nemo_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The developer's shell must not steer a test: every other NEMO_* variable (NEMO_API_URL would
    win over a test's NEMO_API_BASE, NEMO_POLL_INTERVAL_S would change every wait) is unset; a test
    sets what it needs."""
    for name in [n for n in os.environ if n.startswith("NEMO_") and n not in _KEPT]:
        monkeypatch.delenv(name, raising=False)
    # Previews (core/preview.py) go to a folder of the test's own, never the person's cache.
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def small_engine_config(data_dir: Path, **overrides: Any) -> EngineConfig:
    """Deterministic and quick: fixed seed, every turn speaks, tiny clips and renders. The one engine
    config of the tests; `overrides` change single settings (the fake cloud's dialect, say)."""
    values: dict[str, Any] = dict(
        seed=1234,
        silent_turns="never",
        max_generate_height=72,
        max_render_height=144,
        generate_fps=12,
        render_fps=12,
        test_faults=True,
    )
    values.update(overrides)
    return EngineConfig(data_dir=Path(data_dir), **values)


@pytest.fixture
def engine_server(tmp_path: Path) -> Iterator[EngineServer]:
    """A running EngineServer (fresh per test). Flip `engine_server.faults.*` or `.config.*` live;
    `engine_server.base_url` is where it listens. Faults are reset when the test ends."""
    server = EngineServer(tmp_path / "engine", config=small_engine_config(tmp_path / "engine")).start()
    try:
        yield server
    finally:
        server.faults.reset()
        server.stop()


@pytest.fixture
def bare_font_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine with no CJK font of its own, as most servers are: fontconfig reads an empty
    configuration (so `fc-list :lang=zh` finds nothing) and the usual CJK locations are empty."""
    from nemo_tui.engine.media import fonts

    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.delenv("NEMO_FONT", raising=False)
    monkeypatch.setattr(fonts, "CJK_FONT_PATHS", [])
    fonts.clear_font_cache()
    assert fonts._fc_list(":lang=zh") == [], "fontconfig still sees a CJK font"
    yield
    fonts.clear_font_cache()
