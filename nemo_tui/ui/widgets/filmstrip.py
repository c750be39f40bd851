"""The filmstrip rows of the timeline: each video segment's picture (core/filmstrip.py) drawn as
half-block cells (core/halfblock.py, as in the player) at the segment's column, above the track bars.

Pure drawing and layout, no I/O: the timeline's worker decodes the pictures and hands them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...core.halfblock import HalfBlockRenderer

if TYPE_CHECKING:
    import numpy as np

    from ...core.filmstrip import Shot
    from ...protocol import Draft

FILM_ROWS = 3  # cell rows: pictures 6 pixels tall, enough to tell a beach from a city
MIN_SCREEN_ROWS = 30  # below this the chat needs the rows more than the pictures do
MIN_BAR_CELLS = 24


@dataclass(frozen=True)
class Tile:
    shot: Shot
    column: int  # first cell in the bar area
    width: int  # cells (one pixel each)

    @property
    def pixel_size(self) -> tuple[int, int]:
        return self.width, FILM_ROWS * 2


def layout(shots: list[Shot], draft: Draft, bar_w: int) -> list[Tile]:
    """Where each picture goes: at its segment's first column, as wide as the canvas's aspect wants
    (a half-block pixel is about square) but never past its segment, and never over the one before."""
    total_ms = draft.duration_ms
    if total_ms <= 0 or bar_w < MIN_BAR_CELLS:
        return []
    meta = (draft.model_extra or {}).get("m")  # the canvas, passed through untyped
    meta = meta if isinstance(meta, dict) else {}
    try:
        aspect = float(meta.get("width", 16)) / float(meta.get("height", 9))
    except (TypeError, ValueError, ZeroDivisionError):
        aspect = 16 / 9
    natural = max(round(FILM_ROWS * 2 * min(max(aspect, 0.3), 4.0)), 2)
    tiles: list[Tile] = []
    free_from = 0
    for shot in shots:
        start = max(int(shot.start_ms / total_ms * bar_w), free_from)
        end = min(int(shot.end_ms / total_ms * bar_w), bar_w)
        width = min(natural, end - start - 1)  # one blank cell keeps neighbours apart
        if width < 2:
            continue
        tiles.append(Tile(shot, start, width))
        free_from = start + width + 1
    return tiles


def film_strips(
    pictures: list[tuple[Tile, np.ndarray]],
    renderer: HalfBlockRenderer,
    label: Segment,
    bar_w: int,
    blank: Style,
) -> list[Strip]:
    """FILM_ROWS strips: the label column, then each picture at its column on a blank row."""
    rows: list[list[Segment]] = [[label] for _ in range(FILM_ROWS)]
    cursor = 0
    for tile, pixels in sorted(pictures, key=lambda item: item[0].column):
        if tile.column > cursor:
            for row in rows:
                row.append(Segment(" " * (tile.column - cursor), blank))
        for row, cells in zip(rows, renderer.lines(pixels), strict=False):
            row.extend(cells)
        cursor = tile.column + tile.width
    if cursor < bar_w:
        for row in rows:
            row.append(Segment(" " * (bar_w - cursor), blank))
    return [Strip(row) for row in rows]
