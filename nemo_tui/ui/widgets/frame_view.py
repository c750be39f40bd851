"""One video frame drawn as half-block cells (`▀`: upper pixel in the foreground colour, lower in the
background), through the Line API: one Strip per row from core/halfblock.py, never a widget per cell."""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from ...core.halfblock import HalfBlockRenderer


class FrameView(Widget):
    """Attributes down: the player calls show(pixels); the view only draws."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderer = HalfBlockRenderer()
        self._lines: list[list[Segment]] = []
        self._width = 0
        self.frames_shown = 0  # how many frames reached the screen (tests, the benchmark)
        self.last_pixels: np.ndarray | None = None

    @property
    def pixel_size(self) -> tuple[int, int]:
        """(width, height) in pixels that fill the view: two pixels a cell, stacked."""
        return max(self.size.width, 1), max(self.size.height, 1) * 2

    def show(self, pixels: np.ndarray) -> None:
        self._lines = self._renderer.lines(pixels)
        self._width = pixels.shape[1]
        self.last_pixels = pixels
        self.frames_shown += 1
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = Strip(self._lines[y], self._width)
        return strip.crop_extend(0, width, self.rich_style) if self._width != width else strip
