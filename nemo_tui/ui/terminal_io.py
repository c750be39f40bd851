"""Talking to the real terminal beside Textual: the graphics queries after the first paint, their
answers taken out of the key stream, and the mode they decide (core/graphics.py).

Textual 8.2.8's input parser turns any sequence it does not know into key presses: a late kitty
answer would type `^_Gi=31;OK` into the prompt. The app's driver therefore builds `ReplyAwareParser`,
which passes every read through core/term_replies.ReplyFilter first and hands the answers to the app
as a `TerminalReplied` message. Only with that driver does the app ask anything (`terminal_write`);
headless (tests, `run_test`) it asks nothing unless a test gives it a terminal of its own.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import fcntl
import os
import selectors
import struct
import termios
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.driver import Driver
from textual.drivers import linux_driver
from textual.message import Message

from ..core import graphics
from ..core.config_toml import setting
from ..core.term_replies import QUERIES, ReplyFilter, da1_attributes, tmux_wrap
from .environment import Terminal
from .messages import TerminalGone, TerminalReplied
from .sixel_overlay import DEFAULT_CELL, SixelOverlay, terminal_cell_size

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.screen import Screen

HANGUP_EXIT = 129  # what a shell reports for a program ended by SIGHUP (128 + 1)
REPLY_TIMEOUT_S = 0.5  # after the first paint, in a worker: the start itself waits on nothing


class ReplyAwareParser(XTermParser):
    """Textual's parser, minus the terminal's answers (sent up as one TerminalReplied each read).

    `typeahead`: how many bytes were typed before the app took the terminal (read in the shell's
    line mode, where Enter arrives as a line feed): in those, "\n" is Enter, not Ctrl+J."""

    def __init__(self, debug: bool = False, typeahead: int = 0) -> None:
        super().__init__(debug)
        self.replies = ReplyFilter()
        self._typeahead = typeahead

    def _uncooked(self, data: str) -> str:
        cut = 0
        while cut < len(data) and self._typeahead > 0:
            self._typeahead -= len(data[cut].encode("utf-8", "surrogateescape"))
            cut += 1
        return data[:cut].replace("\n", "\r") + data[cut:]

    def _answers(self, before: int) -> list[Message]:
        new = self.replies.replies[before:]
        return [TerminalReplied(new)] if new else []

    def feed(self, data: str) -> Iterable[Message]:
        before = len(self.replies.replies)
        if self._typeahead > 0:
            data = self._uncooked(data)
        if not data:  # the end of input: what is held goes on as keys
            return [*super().feed(self.replies.tick_all()), *super().feed("")]
        keys = self.replies.feed(data)
        return [*(super().feed(keys) if keys else []), *self._answers(before)]

    def tick(self) -> Iterable[Message]:
        released = self.replies.tick()
        return [*(super().feed(released) if released else []), *super().tick()]


def pending_input(fileno: int) -> int:
    """Bytes waiting to be read from the terminal (FIONREAD); 0 when it cannot say."""
    try:
        answer = fcntl.ioctl(fileno, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return 0
    return max(struct.unpack("i", answer)[0], 0)


class ReplyAwareDriver(linux_driver.LinuxDriver):
    """Textual's Linux driver reading keys with ReplyAwareParser, and keeping what was typed before
    the app started (a person types as soon as they press Enter on `nemo-tui`)."""

    _typeahead = 0

    def start_application_mode(self) -> None:
        # Measured before the terminal leaves line mode: whole lines typed so far, Enter as "\n".
        self._typeahead = pending_input(self.fileno)
        super().start_application_mode()

    def run_input_thread(self) -> None:
        """Keys from the terminal, as Textual's loop reads them, with two differences: the parser is
        ReplyAwareParser, and the end of input (the terminal hung up: an SSH link or a tmux pane gone
        without a SIGHUP reaching the app) closes the app. Textual's own loop would spin on a
        descriptor that is always readable and always empty, at a full core, forever."""
        parser = ReplyAwareParser(self._debug, self._typeahead)
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        with selectors.SelectSelector() as selector:
            selector.register(self.fileno, selectors.EVENT_READ)
            while not self.exit_event.is_set():
                if selector.select(0.1):
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:  # EIO: the other end of the terminal is closed
                        data = b""
                    if not data:
                        self.process_message(TerminalGone())
                        break
                    self._post_all(parser.feed(decode(data)))
                self._post_all(parser.tick())
        with contextlib.suppress(EOFError, ParseError):  # what the parser still holds goes on as keys
            self._post_all(parser.feed(""))

    def _post_all(self, messages: Iterable[Message]) -> None:
        for message in messages:
            self.process_message(message)


def driver_class(chosen: type[Driver]) -> type[Driver]:
    return ReplyAwareDriver if chosen is linux_driver.LinuxDriver else chosen


class GraphicsProbe(App[None]):
    """Mixed into NemoApp: `probe_graphics()` after the first paint decides `terminal.graphics`."""

    terminal: Terminal  # NemoApp's, set in its __init__
    _environ: dict[str, str]
    terminal_write: Callable[[str], None] | None = None  # the real terminal, or a test's fake
    graphics_choice: graphics.GraphicsChoice | None = None  # what was decided, and why
    reply_timeout_s = REPLY_TIMEOUT_S
    sixel: SixelOverlay | None = None  # graphics "sixel": the pictures drawn after each update
    cell_pixels: tuple[int, int] | None = None  # the terminal's cell size, when it reports one

    def _terminal_writer(self) -> Callable[[str], None] | None:
        driver = getattr(self, "_driver", None)
        if self.terminal_write is None and isinstance(driver, ReplyAwareDriver):
            self.terminal_write = driver.write
        return self.terminal_write

    def kitty_writer(self) -> Callable[[str], None] | None:
        """Where kitty images go, when they can be drawn: graphics "kitty", a terminal to write to and
        truecolour output (the placeholders' colour carries the image id). In tmux, every sequence is
        passed through to the terminal outside."""
        write = self._terminal_writer()
        if self.terminal.graphics != "kitty" or write is None or self.console.color_system != "truecolor":
            return None
        if self._environ.get("TMUX"):
            return lambda sequence: write(tmux_wrap(sequence))
        return write

    def sixel_overlay(self) -> SixelOverlay | None:
        """Where Sixel pictures go, when they can be drawn: graphics "sixel" and a terminal to write
        to, outside tmux (passed through, an image would land at the outer terminal's cursor)."""
        write = self._terminal_writer()
        if self.terminal.graphics != "sixel" or write is None or self._environ.get("TMUX"):
            return None
        if self.sixel is None:
            self.cell_pixels = self.cell_pixels or terminal_cell_size()
            self.sixel = SixelOverlay(write, self.cell_pixels or DEFAULT_CELL)
        return self.sixel

    def on_resize(self, event: events.Resize) -> None:
        """The cell size, from the terminal's in-band resize report (pixels) when it sends one."""
        size, pixels = event.size, event.pixel_size
        if pixels is not None and size.width and size.height and pixels.width and pixels.height:
            self.cell_pixels = (max(pixels.width // size.width, 1), max(pixels.height // size.height, 1))
            if self.sixel is not None:
                self.sixel.cell = self.cell_pixels

    # Sixel pictures are drawn after each screen update, inside its synchronized-update bracket when
    # the terminal has one (Textual 8.2.8's App._display / _end_update, pinned).
    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        if self.sixel is None:
            super()._display(screen, renderable)
            return
        self.sixel.before_display(renderable)
        try:
            super()._display(screen, renderable)
        finally:
            self.sixel.after_display()  # headless, or nothing written: drawn here instead

    def _end_update(self) -> None:
        if self.sixel is not None:
            self.sixel.after_display()
        super()._end_update()

    def on_terminal_gone(self, message: TerminalGone) -> None:
        """No terminal any more (the driver read the end of its input): nobody is there to see or
        type, so close as a hangup would, cleanly (the engine stopped, renders resumed next start)."""
        self.log("the terminal hung up: closing")
        self.exit(return_code=HANGUP_EXIT)

    def on_terminal_replied(self, message: TerminalReplied) -> None:
        self._graphics_replies = [*getattr(self, "_graphics_replies", []), *message.replies]
        if da1_attributes(self._graphics_replies) is not None:
            self._graphics_answered().set()

    def _graphics_answered(self) -> asyncio.Event:
        if getattr(self, "_graphics_da1", None) is None:
            self._graphics_da1 = asyncio.Event()
        return self._graphics_da1

    @work(exclusive=True, group="graphics", exit_on_error=False)
    async def probe_graphics(self, environ: dict[str, str], config_file: Path | None) -> None:
        configured = (
            await asyncio.to_thread(setting, config_file, graphics.CONFIG_NAME) if config_file else None
        )
        choice = graphics.forced(environ, configured)
        write = self._terminal_writer()
        if write is not None and (choice is None or choice.source == "rejected"):
            choice = await asyncio.to_thread(graphics.without_asking, environ, configured)
            if choice is None:
                choice = await self._ask_terminal(write, environ)
        if choice is not None:
            self.use_graphics(choice)

    async def _ask_terminal(
        self, write: Callable[[str], None], environ: dict[str, str]
    ) -> graphics.GraphicsChoice:
        answered = self._graphics_answered()
        write(tmux_wrap(QUERIES) if environ.get("TMUX") else QUERIES)
        with contextlib.suppress(TimeoutError):  # a late answer is still taken out of the keys
            await asyncio.wait_for(answered.wait(), self.reply_timeout_s)
        choice = graphics.from_replies(environ, list(getattr(self, "_graphics_replies", [])))
        if choice.source == "query":
            await asyncio.to_thread(graphics.remember, environ, choice.mode)
        return choice

    def use_graphics(self, choice: graphics.GraphicsChoice) -> None:
        from .widgets.timeline import TimelineView

        self.graphics_choice = choice
        self.terminal = replace(self.terminal, graphics=choice.mode)
        timeline = self.query_one(TimelineView)
        timeline.set_graphics(kitty_write=self.kitty_writer(), sixel=self.sixel_overlay())
        timeline.set_pictures(choice.mode != "none")
        self.log(f"graphics: {choice.mode} ({choice.source})")
