"""Every error notice says what kind of failure it was, from the typed exception (Notice.error):
front-ends choose their state from it, never from the words (which differ by language)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.events import ErrorKind, Notice
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer

SUNSET = "generate a 1-second video of a sunset"


async def kinds(flow: AsyncIterator[Any]) -> list[ErrorKind | None]:
    return [e.error async for e in flow if isinstance(e, Notice) and e.level == "error"]


def conversation(client: NemoClient, tmp_path: Path, lang: str = "en") -> Conversation:
    return Conversation(
        client,
        Store(tmp_path / "app" / "nemo.db"),
        backend_key="local",
        export_dir=tmp_path / "exports",
        cwd=tmp_path,
        lang=lang,
    )


@pytest.fixture
async def client(engine_server: EngineServer) -> AsyncIterator[NemoClient]:
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as c:
        yield c


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_unreachable_service_is_a_network_error(tmp_path: Path, lang: str) -> None:
    async with NemoClient("http://127.0.0.1:1", poll_interval=0.05, retry_after_429_s=0.0) as c:
        assert await kinds(conversation(c, tmp_path, lang).start()) == [ErrorKind.NETWORK]


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ({"drop_stream_after_events": 3}, ErrorKind.STREAM),
        ({"agent_error": "render backend unavailable"}, ErrorKind.SERVER),
        ({"no_credits": True}, ErrorKind.CREDITS),
    ],
)
async def test_a_turn_that_fails_says_its_kind(
    client: NemoClient, engine_server: EngineServer, tmp_path: Path, fault: dict[str, Any], kind: ErrorKind
) -> None:
    conv = conversation(client, tmp_path)
    assert await kinds(conv.start()) == []
    engine_server.faults.update(fault)
    assert (await kinds(conv.handle(SUNSET)))[0] is kind


async def test_a_refused_token_is_an_auth_error(
    client: NemoClient, engine_server: EngineServer, tmp_path: Path
) -> None:
    engine_server.faults.expire_tokens = True
    assert await kinds(conversation(client, tmp_path).start()) == [ErrorKind.AUTH]


async def test_a_missing_file_is_an_input_error(
    client: NemoClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    conv = conversation(client, tmp_path)
    assert await kinds(conv.start()) == []
    assert await kinds(conv.upload("~/outreach.mp4")) == [ErrorKind.INPUT]
