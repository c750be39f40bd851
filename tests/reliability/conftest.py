"""The reliability suite talks to the real local engine (tests/conftest.py `engine_server`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    # A NEMO_TOKEN in the developer's shell would change which recovery paths run.
    monkeypatch.delenv("NEMO_TOKEN", raising=False)


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory):
    """One live engine for a whole module (starting one per test adds up over ~40 matrix rows).
    Each test makes its own client id, so their accounts and sessions never meet; faults are reset
    after every test by `engine`."""
    from nemo_tui.engine.config import EngineConfig
    from nemo_tui.engine.runner import EngineServer

    folder = tmp_path_factory.mktemp("engine")
    config = EngineConfig(data_dir=folder, seed=1234, silent_turns="never", max_generate_height=72,
                          max_render_height=144, generate_fps=12, render_fps=12, test_faults=True)
    server = EngineServer(folder, config=config).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def engine(shared_engine):
    shared_engine.faults.reset()
    try:
        yield shared_engine
    finally:
        shared_engine.faults.reset()
