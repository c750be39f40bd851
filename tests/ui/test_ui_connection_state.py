"""The status bar's connection state follows the kind of failure core reports (a typed field on the
notice), never the words of the message: the same in English and Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_scripted import make_app, settle

from nemo_tui.client.nemo import NemoClient
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.status_bar import StatusBar

LANGS = ["en", "zh"]


def errors(app) -> list[str]:
    return [text for role, text in app.query_one(ChatLog).transcript if role == "notice:error"]


def conversation(client: NemoClient, tmp_path: Path, lang: str = "en", **kwargs: Any) -> Conversation:
    return Conversation(
        client,
        Store(tmp_path / "app" / "nemo.db"),
        backend_key="local",
        export_dir=tmp_path / "exports",
        cwd=tmp_path,
        local_engine=True,
        lang=lang,
        **kwargs,
    )


@pytest.mark.parametrize("lang", LANGS)
async def test_online_when_the_engine_answers(engine_server: EngineServer, tmp_path: Path, lang: str) -> None:
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as client:
        app = make_app(conversation(client, tmp_path, lang), lang=lang)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(app, pilot)
            assert app.query_one(StatusBar).connection == "connected"
            assert errors(app) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_offline_when_the_engine_is_down(tmp_path: Path, lang: str) -> None:
    # Nothing listens on port 1: every request fails to connect.
    async with NemoClient("http://127.0.0.1:1", poll_interval=0.05, retry_after_429_s=0.0) as client:
        app = make_app(conversation(client, tmp_path, lang), lang=lang)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(app, pilot)
            said = errors(app)
            assert said and ("Couldn't reach" in said[0] if lang == "en" else "无法连接" in said[0])
            assert app.query_one(StatusBar).connection == "offline"


@pytest.mark.parametrize("lang", LANGS)
async def test_error_when_the_service_refuses_the_token(
    engine_server: EngineServer, tmp_path: Path, lang: str
) -> None:
    engine_server.faults.expire_tokens = True  # every authenticated request answers 1001
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as client:
        app = make_app(conversation(client, tmp_path, lang), lang=lang)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(app, pilot)
            assert errors(app)
            assert app.query_one(StatusBar).connection == "error"


@pytest.mark.parametrize("lang", LANGS)
async def test_a_missing_outreach_file_leaves_it_online(
    engine_server: EngineServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # The path has "reach" in it (and an error about it, in Chinese, may say 连接): no matter.
    monkeypatch.setenv("HOME", str(tmp_path))
    async with NemoClient(engine_server.base_url, poll_interval=0.05, retry_after_429_s=0.0) as client:
        conv = conversation(client, tmp_path, lang)
        app = make_app(conv, lang=lang)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(app, pilot)
            assert app.query_one(StatusBar).connection == "connected"
            app.run_stream("upload", lambda conversation: conversation.upload("~/outreach.mp4"))
            await settle(app, pilot)
            said = errors(app)
            assert said and "outreach.mp4" in said[-1]
            assert app.query_one(StatusBar).connection == "connected"


async def test_a_dropped_stream_shows_offline_until_the_state_is_read_again() -> None:
    from ui_scripted import Hold, ScriptedConversation

    from nemo_tui.core.events import ErrorKind, Notice, TimelineUpdated
    from nemo_tui.protocol import Draft

    conv = ScriptedConversation(
        turns=[
            [
                Notice(level="error", text="The reply stream broke off.", error=ErrorKind.STREAM),
                Hold(),
                TimelineUpdated(draft=Draft(), summary="Timeline is empty."),
            ]
        ]
    )
    app = make_app(conv)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        assert app.query_one(StatusBar).connection == "connected"
        app.run_stream("turn", lambda conversation: conversation.handle("generate a sunset"))
        await pilot.pause(0.1)
        assert app.query_one(StatusBar).connection == "offline"
        conv.release.set()
        await settle(app, pilot)
        assert app.query_one(StatusBar).connection == "connected"
