"""A frame as Sixel (DEC's bitmap graphics in a DCS string), encoded with numpy alone.

Colours: a fixed 6x7x6 palette (252 registers, defined once at the top of every image, identical
from frame to frame), reached by 4x4 ordered dithering, so quantising is a few array operations and
never a palette search. Pixels: six rows make a band; in a band each colour present is one line of
sixel characters (`?` + the six bits of the pixels that have it), lines separated by `$` (back to the
band's start) and bands by `-`. Only the columns where a colour occurs are visited: every (band,
colour, column) triple is gathered at once, grouped by a stable radix sort on (band, colour), and
the runs of equal characters and the gaps between them are written into one byte array through
index arithmetic (`!n` repeats), with no Python loop over pixels, runs or colours.

The image is drawn at the cursor; pixels outside the frame (the last band's padding) are left as
they were (P2=1). Sixel has no placeholders: ui/sixel_overlay.py writes it over the cells of the
widget that shows it, after each screen update. No Textual here.
"""

from __future__ import annotations

import numpy as np

LEVELS = (6, 7, 6)  # red, green, blue steps: 252 colours, green finest (the eye's most sensitive)
COLOURS = LEVELS[0] * LEVELS[1] * LEVELS[2]
_NONE = 255  # the padding rows' "colour" (no register: never drawn)
_BAYER4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.uint16)
_Q, _HASH, _BANG, _DOLLAR, _DASH = (ord(c) for c in "?#!$-")


def _palette() -> np.ndarray:
    """(COLOURS, 3) uint8: register i's RGB, i = r * 42 + g * 6 + b."""
    axes = [np.round(np.arange(n) * 255 / (n - 1)) for n in LEVELS]
    r, g, b = np.meshgrid(*axes, indexing="ij")
    return np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1).astype(np.uint8)


PALETTE = _palette()
# The registers, in percent (Sixel's RGB scale 0-100).
_REGISTERS = "".join(
    f"#{i};2;{r * 100 // 255};{g * 100 // 255};{b * 100 // 255}"
    for i, (r, g, b) in enumerate(PALETTE.tolist())
)


def _tables(dither: bool) -> list[list[np.ndarray]]:
    """Per row of a 4x4 dither cell, per channel: a (4 x 256) table (the cell's column, the value) of
    the value's level times its weight in the register number. Ordered dithering: each of the 16
    places rounds at its own threshold; without it, every place rounds to the nearest level."""
    cell = (_BAYER4.astype(np.int64) * 255 + 127) // 16 if dither else np.full((4, 4), 127)
    weights = (LEVELS[1] * LEVELS[2], LEVELS[2], 1)
    values = np.arange(256)[None, :]
    return [
        [
            ((values * (n - 1) + row[:, None]) // 255 * weight).astype(np.uint8).ravel()
            for n, weight in zip(LEVELS, weights, strict=True)
        ]
        for row in cell
    ]


_TABLES = {True: _tables(True), False: _tables(False)}


def quantise(pixels: np.ndarray, *, dither: bool = True) -> np.ndarray:
    """(height, width) uint8 register numbers for an RGB frame (height x width x 3, uint8)."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError(
            f"expected an RGB frame (height, width, 3) of uint8, not {pixels.shape} {pixels.dtype}"
        )
    out = np.empty(pixels.shape[:2], dtype=np.uint8)
    place = (np.arange(pixels.shape[1]) % 4) * 256  # the column in the dither cell, as a table offset
    for row, (red, green, blue) in enumerate(_TABLES[dither]):
        part = pixels[row::4]
        index = np.take(red, place + part[..., 0])
        index += np.take(green, place + part[..., 1])
        index += np.take(blue, place + part[..., 2])
        out[row::4] = index
    return out


def _digits(values: np.ndarray) -> np.ndarray:
    """How many decimal digits each (non-negative) value takes."""
    count = np.ones(values.shape, dtype=np.int64)
    for power in (10, 100, 1000, 10000, 100000):
        count += values >= power
    return count


def _put_number(out: np.ndarray, at: np.ndarray, values: np.ndarray, widths: np.ndarray) -> None:
    """Write each value's decimal digits at out[at : at + width]."""
    for place in range(int(widths.max(initial=0))):
        has = widths > place
        power = 10 ** (widths[has] - 1 - place)
        out[at[has] + place] = 48 + (values[has] // power) % 10


def _repeat_length(counts: np.ndarray) -> np.ndarray:
    """Bytes for `count` copies of a character: itself up to 3 times, else `!<count><char>`."""
    length = counts.copy()
    long = counts > 3
    length[long] = 2 + _digits(counts[long])
    return length


def _put_repeat(out: np.ndarray, at: np.ndarray, counts: np.ndarray, chars: np.ndarray | int) -> None:
    """Write `count` copies of each char at `at` (`!<count><char>` beyond 3)."""
    long = counts > 3
    short = ~long
    out[at[short]] = chars if isinstance(chars, int) else chars[short]
    for k in (1, 2):
        more = counts > k
        more &= short
        out[at[more] + k] = chars if isinstance(chars, int) else chars[more]
    at, counts = at[long], counts[long]
    widths = _digits(counts)
    out[at] = _BANG
    _put_number(out, at + 1, counts, widths)
    out[at + 1 + widths] = chars if isinstance(chars, int) else chars[long]


def _elements(index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (band, colour, column) that is drawn, grouped by (band, colour) in band order then
    colour order, columns rising in a group: (band * 256 + colour, column, sixel bits) arrays."""
    height, width = index.shape
    bands = (height + 5) // 6
    rows = np.full((bands, 6, width), _NONE, dtype=np.uint8)
    rows.reshape(bands * 6, width)[:height] = index
    bits = np.empty_like(rows)  # row r's line in this column: the rows with r's colour
    for r in range(6):
        bits[:, r] = 1 << r
    later = rows == _NONE  # not drawn, or its colour's line is named by a row above
    same = np.empty((bands, width), dtype=bool)
    shifted = np.empty((bands, width), dtype=np.uint8)
    for r in range(6):
        for s in range(r + 1, 6):
            np.equal(rows[:, r], rows[:, s], out=same)
            np.left_shift(same.view(np.uint8), s, out=shifted)
            bits[:, r] |= shifted
            later[:, s] |= same
    # Gathered column by column (band, column, row): a stable sort on (band, colour) keeps columns rising.
    at = np.flatnonzero(~later.transpose(0, 2, 1))
    colour = np.ascontiguousarray(rows.transpose(0, 2, 1)).ravel()[at]
    value = np.ascontiguousarray(bits.transpose(0, 2, 1)).ravel()[at]
    at //= 6
    band, column = np.divmod(at, width)
    key = band * 256 + colour
    order = np.argsort(key.astype(np.uint16) if bands <= 256 else key, kind="stable")
    return key[order], column[order], value[order].astype(np.int64)


def encode(pixels: np.ndarray, *, dither: bool = True) -> str:
    """The DCS string that draws `pixels` (height x width x 3, uint8) at the cursor, its top-left
    corner there: `ESC P 0;1;0 q "1;1;W;H`, the registers, the bands, `ESC \\`."""
    height, width = pixels.shape[:2]
    head = f'\x1bP0;1;0q"1;1;{width};{height}{_REGISTERS}'
    if height == 0 or width == 0:
        return head + "\x1b\\"
    key, column, value = _elements(quantise(pixels, dither=dither))
    # Runs: equal characters in adjacent columns of one line (one band's one colour).
    new_line = np.empty(key.size, dtype=bool)
    new_line[0] = True
    np.not_equal(key[1:], key[:-1], out=new_line[1:])
    starts = column[1:] != column[:-1] + 1
    starts |= value[1:] != value[:-1]
    starts |= new_line[1:]
    first = np.flatnonzero(np.concatenate(([True], starts)))
    counts = np.diff(np.append(first, key.size))
    run_column, chars = column[first], value[first] + 63
    # The '?'s before each run: from the line's start, else from the previous run's end.
    gaps = np.empty_like(run_column)
    gaps[0] = run_column[0]
    np.subtract(run_column[1:], run_column[:-1] + counts[:-1], out=gaps[1:])
    lines = np.flatnonzero(new_line[first])  # the runs that start a line
    gaps[lines] = run_column[lines]
    # A line opens with '-' (a new band) or '$' (the same band again), then '#<register>'.
    line_key = key[first[lines]]
    colours = line_key & 255
    separator = np.ones(lines.size, dtype=np.int64)
    separator[0] = 0
    opening = separator + 1 + _digits(colours)
    gap_bytes = _repeat_length(gaps)
    size = gap_bytes + _repeat_length(counts)
    size[lines] += opening
    at = np.zeros(size.size, dtype=np.int64)
    np.cumsum(size[:-1], out=at[1:])
    out = np.full(int(at[-1] + size[-1]), _Q, dtype=np.uint8)  # short gaps are '?' already
    line_at = at[lines]
    new_band = (line_key[1:] >> 8) != (line_key[:-1] >> 8)
    out[line_at[1:]] = np.where(new_band, _DASH, _DOLLAR)
    out[line_at + separator] = _HASH
    _put_number(out, line_at + separator + 1, colours, opening - separator - 1)
    at[lines] += opening
    long_gap = gaps > 3
    _put_repeat(out, at[long_gap], gaps[long_gap], _Q)
    _put_repeat(out, at + gap_bytes, counts, chars)
    return head + out.tobytes().decode("ascii") + "\x1b\\"


def size_of(data: str) -> tuple[int, int]:
    """(width, height) in pixels, from an encoded picture's raster attributes."""
    width, height = data[data.index('"1;1;') + 5 :].split("#", 1)[0].split(";")[:2]
    return int(width), int(height)


def top(data: str, height: int) -> str:
    """The encoded picture cut to its top `height` pixels rounded down to whole bands (no band is
    split: the cut never draws below `height`), without encoding again."""
    width, full = size_of(data)
    bands = height // 6
    if height >= full or bands <= 0:
        return data if height >= full else ""
    end = -1
    for _ in range(bands):
        end = data.index("-", end + 1)
    head = f'"1;1;{width};{full}'
    return data[:end].replace(head, f'"1;1;{width};{bands * 6}', 1) + "\x1b\\"
