"""One video frame drawn as half-block cells (`▀`: upper pixel in the foreground colour, lower in the
background), through the Line API: one Strip per row from core/halfblock.py, never a widget per cell.

Given a terminal writer (graphics "kitty", ui/terminal_io.py), the frame goes to the terminal as a
kitty image instead and the rows are its placeholder cells (core/kitty.py). Given the Sixel overlay
(graphics "sixel", ui/sixel_overlay.py), the frame is encoded as Sixel in a thread at the view's
pixel size and drawn over the view's cells after each screen update; the rows stay blank."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence

import numpy as np
from rich.segment import Segment
from textual.filter import ANSIToTruecolor, LineFilter
from textual.strip import Strip
from textual.widget import Widget

from ...core import kitty, sixel
from ...core.halfblock import HalfBlockRenderer
from ..sixel_overlay import SixelOverlay, SixelPicture


class FrameView(Widget):
    """Attributes down: the player calls show(pixels); the view only draws."""

    def __init__(
        self,
        *,
        id: str | None = None,
        kitty_write: Callable[[str], None] | None = None,
        sixel: SixelOverlay | None = None,
    ) -> None:
        super().__init__(id=id)
        self._kitty_write = kitty_write
        self._sixel = sixel
        self._image_id = random.randint(1, 2**24 - 1)  # the placeholders' colour carries it
        self._placed: tuple[int, int] | None = None  # (columns, rows) of the kitty placement drawn
        self._renderer = HalfBlockRenderer()
        self._lines: list[list[Segment]] = []
        self._width = 0
        self.frames_shown = 0  # how many frames reached the screen (tests, the benchmark)
        self.last_pixels: np.ndarray | None = None

    @property
    def pixel_size(self) -> tuple[int, int]:
        """(width, height) in pixels that fill the view: two pixels a cell, stacked (kitty: more;
        Sixel: the terminal's own pixels)."""
        columns, rows = max(self.size.width, 1), max(self.size.height, 1)
        if self._sixel is not None:
            return columns * self._sixel.cell[0], rows * self._sixel.cell[1]
        if self._kitty_write is not None and kitty.fits(columns, rows):
            return columns * kitty.PIXELS_PER_CELL[0], rows * kitty.PIXELS_PER_CELL[1]
        return columns, rows * 2

    async def present(self, pixels: np.ndarray) -> None:
        """Show a frame; a Sixel frame is encoded in a thread first (the event loop never waits)."""
        if self._sixel is None:
            self.show(pixels)
            return
        height, width = pixels.shape[:2]
        cell_w, cell_h = self._sixel.cell
        if width % cell_w or height % cell_h:  # decoded for another cell size: the next one fits
            return
        data = await asyncio.to_thread(sixel.encode, pixels)
        if self.is_attached:
            self._sixel.show(self, [SixelPicture(data, 0, 0, width // cell_w, height // cell_h)])
            self.last_pixels = pixels
            self.frames_shown += 1

    def show(self, pixels: np.ndarray) -> None:
        height, width = pixels.shape[:2]
        cell_w, cell_h = kitty.PIXELS_PER_CELL
        cells = (width // cell_w, height // cell_h)
        if self._kitty_write is not None and width % cell_w == 0 and kitty.fits(*cells):
            self._kitty_write(kitty.transmit(pixels, self._image_id, *cells))
            if cells != self._placed:
                self._lines, self._placed = kitty.placeholder_lines(self._image_id, *cells), cells
            self._width = cells[0]
        else:
            self._lines, self._placed = self._renderer.lines(pixels), None
            self._width = width
        self.last_pixels = pixels
        self.frames_shown += 1
        self.refresh()

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Every colour a frame has is 24-bit already: the app's ANSI-to-truecolour pass has nothing
        # to convert, and with a style of its own for nearly every cell it misses its cache on each
        # one (a third of the compositor's time per frame while playing). Others (NO_COLOR) stay.
        return [f for f in super().get_line_filters() if not isinstance(f, ANSIToTruecolor)]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = Strip(self._lines[y], self._width)
        return strip.crop_extend(0, width, self.rich_style) if self._width != width else strip

    def on_unmount(self) -> None:
        if self._sixel is not None:
            self._sixel.forget(self)  # the next screen's repaint covers its cells
        if self._kitty_write is not None:
            self._kitty_write(kitty.delete(self._image_id))  # the terminal frees the picture
