"""Pixels as text: one `▀` cell shows two pixels, the upper in its foreground colour and the lower in
its background (24-bit). Works wherever truecolour does: tmux, mosh, plain SSH.

A frame (numpy uint8, height x width x 3) becomes, per cell row, runs of cells with the same colour
pair; only the runs are visited in Python. Segments are cached by colour pair and run length, so a playing
video reuses most of them from frame to frame.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

UPPER_HALF = "▀"
# Colours kept to 6 bits a channel for the player: the eye can't tell in a terminal cell, and a video's
# compression noise then maps to the same cached colours and segments from one frame to the next.
QUANTISE_BITS = 6
_CACHE_LIMIT = 65536  # segments; cleared when full (a new scene refills it in a frame or two)


def _pairs(frame: np.ndarray) -> np.ndarray:
    """(rows, width) int64: each cell's upper and lower pixel packed as 0xRRGGBBrrggbb."""
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"expected an RGB frame (height, width, 3), not {frame.shape}")
    if frame.shape[0] % 2:  # an odd last row pairs with black
        frame = np.concatenate([frame, np.zeros((1, *frame.shape[1:]), dtype=frame.dtype)])
    rgb = frame.astype(np.int64)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    return (packed[0::2] << 24) | packed[1::2]


def _runs(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run of equal cells in the whole frame at once (a run never crosses a row's end):
    the index of its first cell in the flattened frame, its length, its colour pair."""
    width = pairs.shape[1]
    flat = pairs.ravel()
    change = np.empty(flat.size, dtype=bool)
    change[0] = True
    np.not_equal(flat[1:], flat[:-1], out=change[1:])
    change[::width] = True
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, flat.size))
    return starts, lengths, flat[starts]


def _by_row(starts: np.ndarray, rows: int, width: int) -> list[int]:
    """Where each cell row's runs begin in the run list (and where the last one ends)."""
    bounds: list[int] = np.searchsorted(starts, np.arange(rows + 1) * width).tolist()
    return bounds


def _rgb(value: int) -> tuple[int, int, int]:
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


class HalfBlockRenderer:
    """Frames to Rich segment lines. It keeps the Segments it made between frames, keyed by colour
    pair and run length (one per player): a playing video finds most of them again next frame."""

    def __init__(self, bits: int = QUANTISE_BITS) -> None:
        self._segments: dict[int, Segment] = {}
        self._colours: dict[int, Color] = {}
        self._mask = (0xFF << (8 - bits)) & 0xFF

    def _colour(self, rgb: int) -> Color:
        colour = self._colours.get(rgb)
        if colour is None:
            if len(self._colours) >= _CACHE_LIMIT:
                self._colours.clear()
            colour = self._colours[rgb] = Color.from_rgb(*_rgb(rgb))
        return colour

    def _make(self, key: int) -> Segment:
        if len(self._segments) >= _CACHE_LIMIT:
            self._segments.clear()
        pair, n = key >> 10, key & 1023
        style = Style.from_color(self._colour(pair >> 24), self._colour(pair & 0xFFFFFF))
        segment = self._segments[key] = Segment(UPPER_HALF * n, style)
        return segment

    def lines(self, frame: np.ndarray) -> list[list[Segment]]:
        """One list of Segments per cell row (frame height / 2, rounded up), each `width` cells wide."""
        pairs = _pairs(frame & self._mask if self._mask != 0xFF else frame)
        rows, width = pairs.shape
        if width > 1023:
            raise ValueError(f"a frame at most 1023 pixels wide, not {width}")
        starts, lengths, colours = _runs(pairs)
        keys = ((colours << 10) | lengths).tolist()  # 48-bit pair + 10-bit length: fits in int64
        get, make = self._segments.get, self._make
        segments = [get(k) or make(k) for k in keys]
        bounds = _by_row(starts, rows, width)
        return [segments[bounds[r] : bounds[r + 1]] for r in range(rows)]


def ansi_lines(frame: np.ndarray) -> list[str]:
    """The frame as terminal text: `▀` cells coloured with `ESC[38;2;r;g;bm` / `ESC[48;2;r;g;bm` only,
    and `ESC[0m` at the end of each line so the colour does not bleed past it."""
    pairs = _pairs(frame)
    rows, width = pairs.shape
    starts, lengths, colours = _runs(pairs)
    cells = []
    for n, pair in zip(lengths.tolist(), colours.tolist(), strict=True):
        fr, fg, fb = _rgb(pair >> 24)
        br, bg, bb = _rgb(pair & 0xFFFFFF)
        cells.append(f"\x1b[38;2;{fr};{fg};{fb}m\x1b[48;2;{br};{bg};{bb}m{UPPER_HALF * n}")
    bounds = _by_row(starts, rows, width)
    return ["".join(cells[bounds[r] : bounds[r + 1]]) + "\x1b[0m" for r in range(rows)]
