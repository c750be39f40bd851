"""Fixtures for the headless command tests (helpers live in commands_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from commands_helpers import Cli

from nemo_tui.engine.runner import EngineServer


@pytest.fixture
def cli(
    engine_server: EngineServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    return Cli(engine_server.base_url, tmp_path / "app", monkeypatch, capsys)
