"""The real stack under the app: NemoClient ↔ local engine (tests/conftest.py) over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer


@pytest.fixture
async def engine_client(
    engine_server: EngineServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[NemoClient]:
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as client:
        yield client


@pytest.fixture
def engine_conversation(engine_client: NemoClient, tmp_path: Path) -> Conversation:
    store = Store(tmp_path / "app" / "nemo.db")
    return Conversation(
        engine_client,
        store,
        backend_key="local",
        export_dir=tmp_path / "exports",
        cwd=tmp_path,
        local_engine=True,
    )
