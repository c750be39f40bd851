"""The reliability suite talks to the real local engine (tests/conftest.py `engine_server`)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory):
    """One live engine for a whole module (starting one per test adds up over ~40 matrix rows).
    Each test makes its own client id, so their accounts and sessions never meet; faults are reset
    after every test by `engine`."""
    from nemo_tui.engine.runner import EngineServer
    from tests.conftest import small_engine_config

    folder = tmp_path_factory.mktemp("engine")
    server = EngineServer(folder, config=small_engine_config(folder)).start()
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
