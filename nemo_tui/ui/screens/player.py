"""The in-terminal player: a preview (or an export) played as pixels (half-blocks, kitty or Sixel), over the chat.

Keys never wait on decoding: they change the wanted state (playing, where to seek, frames to step)
and wake the decoding worker, which owns the ffmpeg pipe (core/frames.py) and draws each frame when
it is due. Seeking restarts ffmpeg at the new time; frames that are late are skipped, not queued.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.frames import DecodeError, FrameSource, fit_poster, load_poster, write_poster
from ...core.mp4info import NotMp4, read_mp4_info
from ...core.preview import segment_at, time_code
from ...protocol import Draft
from ..action_table import BY_ID
from ..sixel_overlay import SixelOverlay
from ..strings import t
from ..widgets.frame_view import FrameView

PLAYBACK_FPS = 15.0  # what a terminal redraws smoothly at 120x40 cells on two cores (tests/bench_preview.py)


class PlayerScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("space", "play_pause", "Play/Pause", id="player.toggle"),
        Binding("left", "seek(-1)", "-1 s", id="player.back"),
        Binding("right", "seek(1)", "+1 s", id="player.forward"),
        Binding("shift+left", "seek(-5)", "-5 s", show=False, id="player.back5"),
        Binding("shift+right", "seek(5)", "+5 s", show=False, id="player.forward5"),
        Binding("comma", "step(-1)", "Frame back", show=False, id="player.frame_back"),
        Binding("full_stop", "step(1)", "Frame on", show=False, id="player.frame_on"),
        Binding("home", "jump(0)", "Start", show=False, id="player.start"),
        Binding("end", "jump(1)", "End", show=False, id="player.end"),
        Binding("escape", "close", "Back", id="player.close"),
    ]

    def __init__(
        self,
        path: Path,
        draft: Draft | None = None,
        *,
        lang: str = "en",
        fps: float = PLAYBACK_FPS,
        kitty_write: Callable[[str], None] | None = None,
        sixel: SixelOverlay | None = None,
        poster: Path | None = None,
    ):
        super().__init__()
        self._poster = poster  # a preview's first frame, kept beside it (core/frames.py)
        self._poster_read: asyncio.Future[np.ndarray | None] | None = None
        self._kitty_write = kitty_write  # graphics "kitty": frames go to the terminal as images
        self._sixel = sixel  # graphics "sixel": frames drawn over the view's cells
        self.path, self.draft, self.lang, self.fps = Path(path), draft, lang, fps
        self.duration_s = 0.0
        self.position = 0.0  # the time of the frame on screen
        self.playing = True
        self._seek_to: float | None = 0.0  # where the worker must (re)start decoding
        self._steps = 0  # single frames to show while paused
        self._wake = asyncio.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="player-box"):
            yield FrameView(id="player-frame", kitty_write=self._kitty_write, sixel=self._sixel)
            yield Static("", id="player-status", markup=False)

    def on_mount(self) -> None:
        # A preview's file is named by a hash: call it what it is; an export keeps its name.
        title = BY_ID["preview"].title
        self.query_one("#player-box").border_title = (
            title(self.lang) if title and self.draft else self.path.name
        )
        # Read while the screen is laid out (the view's size is known only then).
        self._poster_read = (
            asyncio.ensure_future(asyncio.to_thread(load_poster, self._poster)) if self._poster else None
        )
        self.call_after_refresh(self._play)

    # ---- keys: state changes only, then wake the worker -------------------------------------------
    def _poke(self) -> None:
        self._wake.set()
        self._show_status()

    def action_play_pause(self) -> None:  # not action_toggle: Textual's own takes an attribute name
        if not self.playing and self.position >= self.duration_s - 1 / self.fps:
            self._seek_to = 0.0  # at the end, play starts over
        self.playing = not self.playing
        self._poke()

    def action_seek(self, delta_s: float) -> None:
        base = self._seek_to if self._seek_to is not None else self.position
        self._seek_to = self._clamp(base + delta_s)
        self.position = self._seek_to
        self._poke()

    def action_step(self, frames: int) -> None:
        self.playing = False
        if frames < 0:
            self._seek_to = self._clamp(self.position - 1 / self.fps)
            self.position = self._seek_to
        else:
            self._steps += frames
        self._poke()

    def action_jump(self, end: int) -> None:
        self._seek_to = self._clamp(self.duration_s if end else 0.0)
        self.position = self._seek_to
        if end:
            self.playing = False
        self._poke()

    def action_close(self) -> None:
        self.dismiss(None)

    def _clamp(self, at_s: float) -> float:
        last = max(self.duration_s - 1 / self.fps, 0.0)
        return min(max(at_s, 0.0), last)

    def on_resize(self) -> None:
        self._seek_to = self.position if self._seek_to is None else self._seek_to
        self._wake.set()

    # ---- the decoding worker -----------------------------------------------------------------
    def _show_status(self) -> None:
        state = "▶" if self.playing else "||"  # not ⏸: many terminal fonts lack it or draw it 2 wide
        name = segment_at(self.draft, int(self.position * 1000)) if self.draft else ""
        line = f"{state} {time_code(self.position)} / {time_code(self.duration_s)}"
        line += f"  {name}" if name else ""
        line += "   " + t("player.keys", self.lang)
        self.query_one("#player-status", Static).update(line, layout=False)  # one fixed line: no re-layout

    @work(exclusive=True, group="player", exit_on_error=False)
    async def _play(self) -> None:
        view = self.query_one(FrameView)
        # The first frame is what F5 waits for: ffmpeg starts (the slow part, a process spawn) while
        # a thread reads the file's duration, instead of one after the other.
        source = FrameSource(self.path, *view.pixel_size, rate=self.fps)
        info = asyncio.ensure_future(asyncio.to_thread(read_mp4_info, self.path))
        poster_shown = await self._show_poster(view)
        try:
            await source.seek(self._seek_to or 0.0)
            self._seek_to = None
            self.duration_s = (await info).duration_s
        except (OSError, NotMp4, DecodeError) as exc:
            info.cancel()
            await source.close()
            self.query_one("#player-status", Static).update(
                t("player.unreadable", self.lang, detail=str(exc))
            )
            return
        anchor = (0.0, 0.0)  # (wall clock, video time) of the last seek or resume
        try:
            if self._seek_to is None:
                await self._next(source, view)
                anchor = (time.monotonic(), self.position)
                if self._poster is not None and not poster_shown and view.last_pixels is not None:
                    self.run_worker(asyncio.to_thread(write_poster, self._poster, view.last_pixels))
            while self.is_attached:
                size = view.pixel_size
                if (source.width, source.height) != size:
                    await source.close()
                    source = FrameSource(self.path, *size, rate=self.fps)
                    self._seek_to = self.position if self._seek_to is None else self._seek_to
                if self._seek_to is not None:
                    target, self._seek_to = self._seek_to, None
                    await source.seek(target)
                    await self._next(source, view)
                    anchor = (time.monotonic(), self.position)
                elif self.playing:
                    frame_due = anchor[0] + (self.position + 1 / self.fps - anchor[1])
                    late = time.monotonic() - frame_due
                    if late < 0:  # early: wait for the frame's time, or a key
                        self._wake.clear()
                        try:
                            await asyncio.wait_for(self._wake.wait(), -late)
                            continue
                        except TimeoutError:
                            pass
                    skip = int(late * self.fps) if late > 0 else 0
                    if not await self._next(source, view, skip=skip):
                        self.playing = False
                        self._show_status()
                elif self._steps:
                    self._steps -= 1
                    await self._next(source, view)
                    anchor = (time.monotonic(), self.position)
                else:
                    self._wake.clear()
                    await self._wake.wait()
                    anchor = (time.monotonic(), self.position)
        except DecodeError as exc:
            self.query_one("#player-status", Static).update(
                t("player.unreadable", self.lang, detail=str(exc))
            )
        finally:
            await source.close()

    async def _show_poster(self, view: FrameView) -> bool:
        """The first frame from where it was kept, if it was, while ffmpeg starts (a cached preview
        played again: F5 to a picture without waiting on a process spawn and a decode)."""
        if self._poster_read is None:
            return False
        pixels = await self._poster_read
        if pixels is None or self._seek_to:  # none kept, or a key already moved on from the start
            return False
        await view.present(fit_poster(pixels, *view.pixel_size))
        return True

    async def _next(self, source: FrameSource, view: FrameView, *, skip: int = 0) -> bool:
        """Read (skipping `skip` late frames) and draw the next frame; False at the end."""
        frame = await source.read()
        for _ in range(skip):
            later = await source.read()
            if later is None:
                break
            frame = later
        if frame is None:
            return False
        self.position = frame.time_s
        await view.present(frame.pixels)
        self._show_status()
        return True
