"""The in-terminal preview player, driven by Pilot against the real local engine: F5 renders a
preview of the draft and plays it as half-block pixels; the keys move and pause it; Esc goes back.
`NEMO_UI_SHOTS=DIR` saves the player (SVG) for a person to look at."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from test_ui_engine import notices, send
from ui_scripted import make_app, screen_text, settle

from nemo_tui.core.frames import FrameSource
from nemo_tui.ui.screens.player import PlayerScreen
from nemo_tui.ui.widgets.frame_view import FrameView
from nemo_tui.ui.widgets.prompt import PromptInput
from nemo_tui.ui.widgets.timeline import TimelineView

CLIP = "generate a 3-second video of a sunset over the sea"


async def until(pilot, condition: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    """Poll the running app (the player's worker never completes, so no settle()) with a deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def player(app) -> PlayerScreen | None:
    return app.screen if isinstance(app.screen, PlayerScreen) else None


def status_line(app) -> str:
    return str(app.screen.query_one("#player-status").render())


async def open_preview(app, pilot) -> tuple[PlayerScreen, FrameView]:
    await pilot.press("f5")
    await until(pilot, lambda: player(app) is not None, "the player to open")
    screen = player(app)
    assert screen is not None
    view = screen.query_one(FrameView)
    await until(pilot, lambda: view.frames_shown >= 3, "frames on screen")
    return screen, view


async def test_f5_plays_the_draft_and_the_keys_control_it(engine_conversation, monkeypatch):
    app = make_app(engine_conversation)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, CLIP)
        screen, view = await open_preview(app, pilot)

        # Playing: the picture changes over time, and it is drawn in pixels, not left blank.
        first = view.last_pixels.copy()
        await until(pilot, lambda: view.frames_shown >= 12, "playback to go on")
        assert not np.array_equal(first, view.last_pixels)
        assert view.last_pixels.std() > 5
        assert "▀" in screen_text(app) and "/ 00:03.0" in status_line(app)

        # Space pauses: no more frames, the picture stays.
        await pilot.press("space")
        await pilot.pause(0.2)
        shown, still = view.frames_shown, view.last_pixels.copy()
        await pilot.pause(0.4)
        assert view.frames_shown == shown and np.array_equal(still, view.last_pixels)
        assert status_line(app).startswith("||")

        # Home, then → : the time code moves by one second.
        await pilot.press("home")
        await until(pilot, lambda: view.frames_shown > shown, "the first frame, decoded while paused")
        assert "00:00.0 /" in status_line(app)
        shown = view.frames_shown
        await pilot.press("right")
        await until(pilot, lambda: view.frames_shown > shown, "the frame at 1 s")
        assert "00:01.0 /" in status_line(app)
        await pilot.press("full_stop")
        await until(pilot, lambda: "00:01.1 /" in status_line(app), "one frame on")
        await pilot.press("end")
        await until(pilot, lambda: "00:02.9 /" in status_line(app), "the end")
        assert "sunset" in status_line(app).lower()  # the segment playing

        folder = os.environ.get("NEMO_UI_SHOTS")
        if folder:
            await pilot.press("home")
            await until(pilot, lambda: "00:00.0 /" in status_line(app), "the start")
            await pilot.pause(0.2)
            app.save_screenshot(filename="player_halfblock.svg", path=folder)

        # Esc: back to the prompt, focused.
        await pilot.press("escape")
        await until(pilot, lambda: player(app) is None, "the player to close")
        assert isinstance(app.focused, PromptInput)

        # The same draft again: the cached preview, no render. Its first frame was kept beside it
        # (the poster) and is on screen before the decoder has even started.
        poster = screen.path.with_suffix(".poster.npy")
        await until(pilot, poster.exists, "the first frame kept")
        kept = np.load(poster)
        assert kept.shape == first.shape and kept.std() > 5  # the player's size, a real picture
        decoder_may_start = asyncio.Event()
        real_seek = FrameSource.seek

        async def held_seek(source, start_s):
            await decoder_may_start.wait()
            await real_seek(source, start_s)

        monkeypatch.setattr(FrameSource, "seek", held_seek)
        started = time.monotonic()
        await pilot.press("f5")
        await until(pilot, lambda: player(app) is not None, "the player to open")
        again = player(app).query_one(FrameView)
        await until(pilot, lambda: again.frames_shown >= 1, "the kept first frame")
        assert time.monotonic() - started < 3.0
        assert np.array_equal(again.last_pixels, kept)
        decoder_may_start.set()
        await until(pilot, lambda: again.frames_shown >= 3, "frames from the decoder")
        await pilot.press("escape")
        await until(pilot, lambda: player(app) is None, "the player to close")


async def test_typed_preview_opens_the_player_and_graphics_none_does_not(engine_conversation):
    app = make_app(
        engine_conversation, environ={"USER": "tester", "LANG": "en_US.UTF-8", "NEMO_GRAPHICS": "none"}
    )
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "generate a 1-second video of rain")
        await send(app, pilot, "preview")
        assert player(app) is None
        assert any("Preview ready" in n and "NEMO_GRAPHICS=none" in n for n in notices(app))
        # ... and the timeline stays today's text timeline: no filmstrip row, no pixels.
        assert not app.query_one(TimelineView).film and "▀" not in screen_text(app)


async def test_ctrl_o_over_ssh_plays_here_and_offers_scp(engine_conversation, monkeypatch):
    started: list[str] = []
    real_exec = asyncio.create_subprocess_exec

    async def recording_exec(program, *args, **kwargs):
        started.append(Path(program).name)
        return await real_exec(program, *args, **kwargs)

    monkeypatch.setattr(asyncio, "create_subprocess_exec", recording_exec)
    environ = {"USER": "tester", "LANG": "en_US.UTF-8", "SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}
    environ["NEMO_HOSTNAME"] = "render-box"
    app = make_app(engine_conversation, environ=environ)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "generate a 1-second video of rain")
        await send(app, pilot, "export")
        assert app.last_export is not None
        await pilot.press("ctrl+o")
        await until(pilot, lambda: player(app) is not None, "the player to open")
        await until(pilot, lambda: app.screen.query_one(FrameView).frames_shown >= 1, "a frame")
        scp = [n for n in notices(app) if "scp " in n]
        assert (
            scp
            and f"tester@render-box:{app.last_export}" in scp[0]
            and scp[0].rstrip().endswith("(copied to the clipboard)")
        )
        assert started and all(name.startswith("ffmpeg") for name in started), started  # no desktop opener
        await pilot.press("escape")
