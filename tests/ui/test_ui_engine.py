"""The real app driven by Pilot against the real stack: Conversation → NemoClient → local engine
over loopback HTTP. What a person would notice: messages, timeline, footer, files that play."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import numpy as np
import pytest
from textual.widgets import Input
from ui_scripted import make_app, screen_text, settle

from nemo_tui.engine.runner import EngineServer
from nemo_tui.ui.widgets.chat_log import ChatLog
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.status_bar import StatusBar
from nemo_tui.ui.widgets.timeline import TimelineView

CLIP = "generate a 1-second video of a sunset"
CLIP_ZH = "生成一个1秒的日落视频"


def tiny_png(path: Path) -> Path:
    """A real 16x16 PNG (the engine checks what it stores)."""
    probe = path.with_name("probe.png")
    with av.open(str(probe), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), dtype=np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    probe.rename(path)
    return path


async def send(app, pilot, text: str) -> None:
    prompt = app.query_one(PromptInput)
    prompt.load_text(text)  # typed all at once: pressing each key is slow and adds nothing here
    prompt.focus()
    await pilot.press("enter")
    await settle(app, pilot)


def notices(app, level: str | None = None) -> list[str]:
    return [
        text
        for role, text in app.query_one(ChatLog).transcript
        if role.startswith("notice") and (level is None or role == f"notice:{level}")
    ]


def assert_plays(path: Path, seconds: float) -> None:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert container.duration / 1e6 == pytest.approx(seconds, abs=0.25)
        assert next(container.decode(video=0)).width > 0


async def test_english_session_streams_edits_uploads_and_exports_a_playable_file(
    engine_conversation,
    engine_server: EngineServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Setting up..." in text and "Using the local engine" in text
        status = app.query_one(StatusBar)
        assert status.connection == "connected" and status.credits.available == 100
        token = engine_conversation.backend._token.get_secret_value()
        assert token and token not in text and "token" not in text.lower()

        # A streamed reply: its first words are on screen while the turn is still running.
        engine_server.faults.slow_stream_s = 0.05
        prompt = app.query_one(PromptInput)
        prompt.load_text(CLIP)
        await pilot.press("enter")
        seen_while_busy = False
        for _ in range(200):
            await pilot.pause(0.02)
            reply = app.query_one(ChatLog).current
            if app.busy and reply is not None and reply.display and "Generating" in screen_text(app):
                seen_while_busy = True
                break
        assert seen_while_busy
        await settle(app, pilot)
        engine_server.faults.slow_stream_s = 0.0
        reply = app.query_one(ChatLog).last_reply()
        assert reply and "sunset" in reply and reply.count("Generating") == 1
        assert "sunset 1s" in screen_text(app)  # the timeline row
        assert status.credits.available < 100
        assert not app.query_one("#activity").display

        await send(app, pilot, "status")
        assert notices(app)[-1] == "Timeline (1 track): 1. Video: sunset (0-1s)"
        await send(app, pilot, "credits")
        assert notices(app)[-1].startswith("Credits: 9") and "available" in notices(app)[-1]

        image = tiny_png(tmp_path / "my logo.png")
        await send(app, pilot, f"'{image}'")  # a dropped file arrives quoted
        assert notices(app, "success")[-1].startswith("Uploaded my logo.png")

        await send(app, pilot, "export")
        saved = notices(app, "success")[-1]
        assert saved.startswith("Saved ") and "Press Ctrl+O to play it." in notices(app)[-1]
        exported = app.last_export
        assert exported is not None and exported.exists() and str(exported) in saved
        assert_plays(exported, 1.0)

        assert token not in screen_text(app) and all(
            token not in t for _, t in app.query_one(ChatLog).transcript
        )
        assert token not in app.export_screenshot()  # nor in a screenshot (SVG) of the session
        monkeypatch.setattr("nemo_tui.ui.actions.system_opener", lambda: None)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert notices(app, "warning")[-1].startswith("No system video player was found")


async def test_chinese_session_gets_chinese_words_everywhere(engine_conversation, tmp_path: Path):
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, CLIP_ZH)
        assert app.lang == "zh"  # the app followed the person's language
        text = screen_text(app)
        assert "描述一个视频" in text and "导出" in text and "积分 可用" in text
        assert app.query_one(StatusBar).backend_label == "本地引擎"  # the backend's name too
        assert app.query_one(TimelineView).draft.tracks
        await send(app, pilot, "积分")
        assert notices(app)[-1].startswith("积分：可用 ")
        await send(app, pilot, "状态")
        assert "1" in notices(app)[-1] and notices(app)[-1] != ""
        image = tiny_png(tmp_path / "logo.png")
        await send(app, pilot, f"上传 {image}")
        assert notices(app, "success")[-1].startswith("已上传 logo.png")
        await send(app, pilot, "导出")
        assert notices(app, "success")[-1].startswith("已保存 ")
        assert_plays(app.last_export, 1.0)


async def test_turn_without_text_refreshes_timeline_and_shows_server_names_literally(
    engine_conversation,
    engine_server: EngineServer,
):
    engine_server.config.silent_turns = "always"
    app = make_app(engine_conversation)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "generate a 1-second video of a [bold red]x[/] [@click=app.quit] sea")
        text = screen_text(app)
        reply = app.query_one(ChatLog).last_reply()
        assert reply is not None and reply.startswith("Done. Added a 1 s video")
        assert "[bold red]x[/] [@click=app.quit]" in reply
        assert "[bold red]x[/] [@click=app.quit]" in text  # in the chat and on the timeline row
        assert app.timeline_summary.startswith("Timeline (1 track): 1. Video:")
        await pilot.press("ctrl+t", "y")
        assert app.clipboard == app.timeline_summary
        assert app.is_running


async def test_upload_prompt_and_every_upload_problem(engine_conversation, tmp_path: Path):
    tiny_png(tmp_path / "logo.png")  # completed from "l" below
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with open(tmp_path / "huge.mp4", "wb") as f:  # sparse: 201 MB on paper, nothing on disk
        f.truncate(201 * 1024 * 1024)
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+u")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = f"{tmp_path}/l"
        await pilot.press("o", "tab", "enter")  # completes to logo.png
        await settle(app, pilot)
        assert notices(app, "success")[-1].startswith("Uploaded logo.png")
        problems = {
            "missing.mp4": "There is no file at",
            "notes.txt": "That file format isn't supported. Supported formats: mp4,",
            "huge.mp4": "That file is larger than 200 MB. Compress it or trim it",
            "empty.mp4": "is empty (0 bytes)",
            "": "is a folder, not a file",  # the folder itself
        }
        for name, expected in problems.items():
            await pilot.press("ctrl+u")
            await pilot.pause()
            app.screen.query_one(Input).value = f"{tmp_path}/{name}" if name else str(tmp_path)
            await pilot.press("enter")
            await settle(app, pilot)
            assert expected in notices(app, "error")[-1], name
        assert len(notices(app, "success")) == 1  # only the upload that worked


FAULTS = [
    pytest.param(
        {"no_credits": True},
        False,
        "error",
        "You're out of free credits. Register to get more:",
        id="2001-no-credits",
    ),
    pytest.param(
        {"expire_tokens": True}, False, "error", "Your access token is invalid or expired", id="1001-token"
    ),
    pytest.param(
        {"agent_error": "render backend unavailable"},
        False,
        "error",
        "The reply stream broke off.",
        id="agent-error",
    ),
    pytest.param({"malformed_event": True}, False, "error", "The reply stream broke off.", id="bad-frame"),
    pytest.param(
        {"block_export": True},
        True,
        "error",
        "Register or upgrade your plan to unlock export.",
        id="402-export",
    ),
    pytest.param(
        {"fail_render": "disk full"}, True, "error", "The export failed on the server.", id="render-failed"
    ),
    pytest.param(
        {"lose_sessions_once": 1}, False, "warning", "Session expired — started a new one.", id="1002-session"
    ),
    pytest.param({"rate_limit_once": 1}, False, None, None, id="429-retried"),
]


@pytest.mark.parametrize(("faults", "export", "level", "expected"), FAULTS)
async def test_each_backend_fault_reads_as_a_plain_message(
    engine_conversation,
    engine_client,
    engine_server: EngineServer,
    faults,
    export,
    level,
    expected,
):
    app = make_app(engine_conversation)
    engine_client.on_recovery = app.show_recovery
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if export or "lose_sessions_once" in faults:
            await send(app, pilot, CLIP)  # a session with a draft to export / to lose
        engine_server.faults.update(faults)
        await send(app, pilot, "export" if export else "generate a 1-second video of rain")
        await pilot.pause()
        if expected is None:  # retried by the client: the person sees no error at all
            assert notices(app, "error") == []
            assert "rain" in (app.query_one(ChatLog).last_reply() or "")
        else:
            assert any(expected in text for text in notices(app, level)), notices(app)
        assert app.is_running and not app.busy
        assert app.query_one(PromptInput).has_focus
        assert "\x1b" not in screen_text(app)


async def test_stop_cancels_a_slow_turn_and_the_next_one_works(engine_conversation, engine_server):
    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        engine_server.faults.slow_stream_s = 0.5
        app.query_one(PromptInput).load_text(CLIP)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.busy
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert app.query_one(PromptInput).text == CLIP
        assert notices(app, "warning")[-1] == "Stopped. Your message is back in the prompt."
        engine_server.faults.slow_stream_s = 0.0
        await asyncio.sleep(0)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "sunset" in (app.query_one(ChatLog).last_reply() or "")


async def test_reopening_shows_the_last_sessions_chat_and_timeline(
    engine_conversation, engine_client, tmp_path
):
    from nemo_tui.core.conversation import Conversation

    first = make_app(engine_conversation)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(first, pilot)
        await send(first, pilot, CLIP)
        said = first.query_one(ChatLog).last_reply()
    again = Conversation(
        engine_client,
        engine_conversation.store,
        backend_key="local",
        export_dir=tmp_path / "exports",
        cwd=tmp_path,
        local_engine=True,
    )
    app = make_app(again)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Reopened your last project." in text
        assert CLIP in text and app.query_one(ChatLog).last_reply() == said
        assert "sunset 1s" in text  # the timeline came back too
        await pilot.press("up")
        assert app.query_one(PromptInput).text == CLIP  # Up recalls what was typed last time


async def test_messages_sent_during_a_turn_wait_and_run_in_order_against_the_engine(
    engine_conversation,
    engine_server: EngineServer,
):
    """One turn per session: a message typed while a reply streams is queued, shown, then sent
    once the reply is done — the timeline ends with both edits, in order."""
    from nemo_tui.ui.widgets.queued import QueuedView

    app = make_app(engine_conversation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        engine_server.faults.slow_stream_s = 0.1
        prompt = app.query_one(PromptInput)
        prompt.load_text(CLIP)
        prompt.focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.busy
        prompt.load_text("add a title that says hello")
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(QueuedView).texts == ["add a title that says hello"]
        assert "Queued — sent when the current turn ends" in screen_text(app)
        engine_server.faults.slow_stream_s = 0.0
        await settle(app, pilot)
        assert not app.query_one(QueuedView).display
        summary = app.query_one(TimelineView).summary
        assert summary.startswith("Timeline (2 tracks): 1. Video: sunset") and 'Title: "hello"' in summary
        users = [text for role, text in app.query_one(ChatLog).transcript if role == "user"]
        assert users == [CLIP, "add a title that says hello"]
