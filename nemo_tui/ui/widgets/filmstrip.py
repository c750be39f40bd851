"""The filmstrip rows of the timeline: each video segment's picture (core/filmstrip.py) at the
segment's column, above the track bars, drawn as the player draws its frames: kitty placeholder
cells (the picture sent to the terminal as a kitty image), blank cells under a Sixel picture
(ui/sixel_overlay.py draws it), or half-block cells (core/halfblock.py) everywhere else.

Layout and drawing only: the timeline's worker decodes the pictures, sends or encodes them, and
hands them here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...core import kitty
from ...core.halfblock import HalfBlockRenderer

if TYPE_CHECKING:
    import numpy as np

    from ...core.filmstrip import Shot
    from ...protocol import Draft

FILM_ROWS = 3  # cell rows: pictures 6 pixels tall, enough to tell a beach from a city
MIN_SCREEN_ROWS = 30  # below this the chat needs the rows more than the pictures do
MIN_BAR_CELLS = 24
Look = Literal["halfblock", "kitty", "sixel"]


@dataclass(frozen=True)
class Tile:
    shot: Shot
    column: int  # first cell in the bar area
    width: int  # cells (one pixel each)

    @property
    def pixel_size(self) -> tuple[int, int]:
        """Half-block pixels: one a cell across, two down."""
        return self.width, FILM_ROWS * 2

    def pixels_for(self, look: Look, cell: tuple[int, int]) -> tuple[int, int]:
        """The picture's size drawn as `look` (`cell`: pixels a cell for kitty and Sixel)."""
        return self.pixel_size if look == "halfblock" else (self.width * cell[0], FILM_ROWS * cell[1])


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


def tile_cells(
    look: Look, renderer: HalfBlockRenderer, blank: Style, image_id: Callable[[int], int]
) -> Callable[[int, Tile, np.ndarray], list[list[Segment]]]:
    """The cells of the index-th picture: kitty placeholders (image `image_id(index)`), blank cells
    under a Sixel picture, or half-blocks."""

    def cells(index: int, tile: Tile, pixels: np.ndarray) -> list[list[Segment]]:
        if look == "kitty":
            return kitty.placeholder_lines(image_id(index), tile.width, FILM_ROWS)
        if look == "sixel":
            return [[Segment(" " * tile.width, blank)] for _ in range(FILM_ROWS)]
        return renderer.lines(pixels)

    return cells


def film_strips(
    pictures: list[tuple[Tile, np.ndarray]],
    cells: Callable[[int, Tile, np.ndarray], list[list[Segment]]],
    label: Segment,
    bar_w: int,
    blank: Style,
) -> list[Strip]:
    """FILM_ROWS strips: the label column, then each picture's cells at its column on a blank row."""
    rows: list[list[Segment]] = [[label] for _ in range(FILM_ROWS)]
    cursor = 0
    for index, (tile, pixels) in enumerate(pictures):  # in column order (layout's)
        if tile.column > cursor:
            for row in rows:
                row.append(Segment(" " * (tile.column - cursor), blank))
        for row, line in zip(rows, cells(index, tile, pixels), strict=False):
            row.extend(line)
        cursor = tile.column + tile.width
    if cursor < bar_w:
        for row in rows:
            row.append(Segment(" " * (bar_w - cursor), blank))
    return [Strip(row) for row in rows]
