"""A frame in the kitty graphics protocol, shown through Unicode placeholders.

The picture goes to the terminal as zlib-compressed RGB in base64 APC chunks (`ESC _G … ESC \\`) with
a virtual placement `c` cells wide and `r` high; the widget then draws ordinary text cells, U+10EEEE
each with two combining marks (its row and column) in a foreground colour that encodes the image id.
The terminal draws the picture where those cells are: Textual lays them out, clips them and covers
them with other screens like any text, and nothing is drawn at a cursor position behind its back.
Sending the same id again replaces the picture in the same cells (a playing video).

kitty (0.28+) and Ghostty draw placeholders (core/graphics.placeholders_work). No Textual here.
"""

from __future__ import annotations

import base64
import zlib

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

PLACEHOLDER = "\U0010eeee"
_CHUNK = 4096  # base64 characters per APC, the protocol's limit
# The row / column marks of kitty's rowcolumn-diacritics.txt, in order (the first 64 cover any
# player or film tile: a view wider or taller than this is drawn with half-blocks instead).
_MARKS = [
    0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F, 0x0346, 0x034A, 0x034B, 0x034C,
    0x0350, 0x0351, 0x0352, 0x0357, 0x035B, 0x0363, 0x0364, 0x0365, 0x0366, 0x0367, 0x0368, 0x0369,
    0x036A, 0x036B, 0x036C, 0x036D, 0x036E, 0x036F, 0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592,
    0x0593, 0x0594, 0x0595, 0x0597, 0x0598, 0x0599, 0x059C, 0x059D, 0x059E, 0x059F, 0x05A0, 0x05A1,
    0x05A8, 0x05A9, 0x05AB, 0x05AC, 0x05AF, 0x05C4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615,
    0x0616, 0x0617, 0x0657, 0x0658,
]  # fmt: skip
MAX_CELLS = len(_MARKS)
# Pixels sent per cell: a sharper picture than half-blocks (1x2), small enough for an SSH link at
# 15 frames a second (120x40 cells: 480x320 pixels, ~150 KB a frame after zlib).
PIXELS_PER_CELL = (4, 8)


def fits(columns: int, rows: int) -> bool:
    return 0 < columns <= MAX_CELLS and 0 < rows <= MAX_CELLS


def transmit(pixels: np.ndarray, image_id: int, columns: int, rows: int, *, level: int = 1) -> str:
    """The APC sequences that send `pixels` (height x width x 3, uint8) as image `image_id`, replacing
    any picture of that id, and place it virtually over `columns` x `rows` cells. Quiet (q=2): the
    terminal answers nothing, so nothing comes back into the key stream."""
    height, width = pixels.shape[:2]
    data = base64.standard_b64encode(zlib.compress(np.ascontiguousarray(pixels).tobytes(), level))
    chunks = [data[i : i + _CHUNK].decode("ascii") for i in range(0, len(data), _CHUNK)] or [""]
    parts = []
    for index, chunk in enumerate(chunks):
        more = int(index < len(chunks) - 1)
        keys = (
            f"a=t,f=24,o=z,s={width},v={height},i={image_id},q=2,m={more}" if index == 0 else f"q=2,m={more}"
        )
        parts.append(f"\x1b_G{keys};{chunk}\x1b\\")
    parts.append(f"\x1b_Ga=p,U=1,i={image_id},c={columns},r={rows},q=2\x1b\\")
    return "".join(parts)


def delete(image_id: int) -> str:
    """Free the image and its placements in the terminal."""
    return f"\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\"


def placeholder_lines(image_id: int, columns: int, rows: int) -> list[list[Segment]]:
    """`rows` lines of `columns` placeholder cells (one Segment a line) for image `image_id`
    (1 ≤ id < 2**24: the foreground colour carries it)."""
    style = Style(color=Color.from_rgb((image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255))
    return [
        [Segment("".join(f"{PLACEHOLDER}{chr(_MARKS[r])}{chr(_MARKS[c])}" for c in range(columns)), style)]
        for r in range(rows)
    ]
