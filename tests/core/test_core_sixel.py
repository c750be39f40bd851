"""The Sixel encoder (core/sixel.py): a well-formed DCS string that a decoder written here, from
the format's rules, turns back into the picture (exactly its palette colours, so close to the input);
and its speed on a 1200x800 frame (the figure is tests/bench_sixel.py's)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nemo_tui.core import sixel

_HEAD = re.compile(r'\x1bP0;1;0q"1;1;(\d+);(\d+)')
_REGISTER = re.compile(r"#(\d+);2;(\d+);(\d+);(\d+)")
_SELECT = re.compile(r"#(\d+)")
_REPEAT = re.compile(r"!(\d+)([?-~])")


def decode(data: str) -> tuple[np.ndarray, np.ndarray]:
    """(RGB picture, which pixels were drawn) from a Sixel string, following the format: `#n;2;r;g;b`
    defines a register (percent), `#n` selects one, `?`..`~` draw six pixels down (bit 0 on top),
    `!n c` repeats, `$` goes back to the band's start, `-` to the next band."""
    assert data.startswith("\x1bP") and data.endswith("\x1b\\")
    head = _HEAD.match(data)
    assert head, data[:40]
    width, height = int(head[1]), int(head[2])
    picture = np.zeros((height, width, 3), dtype=np.uint8)
    drawn = np.zeros((height, width), dtype=bool)
    registers: dict[int, tuple[int, ...]] = {}
    body, at, x, y, colour = data[:-2], head.end(), 0, 0, (0, 0, 0)
    while at < len(body):
        char = body[at]
        if char == "#":
            defined = _REGISTER.match(body, at)
            if defined:
                registers[int(defined[1])] = tuple(round(int(v) * 255 / 100) for v in defined.groups()[1:])
                at = defined.end()
            else:
                selected = _SELECT.match(body, at)
                assert selected
                colour = registers[int(selected[1])]  # a register is defined before it is used
                at = selected.end()
            continue
        if char in "$-":
            x, y, at = 0, y + (6 if char == "-" else 0), at + 1
            continue
        count = 1
        repeat = _REPEAT.match(body, at)
        if repeat:
            count, char, at = int(repeat[1]), repeat[2], repeat.end() - 1
        bits = ord(char) - 63
        assert 0 <= bits < 64, (char, at)
        for row in range(6):
            if bits >> row & 1:
                assert y + row < height and x + count <= width, "drawn outside the raster"
                picture[y + row, x : x + count] = colour
                drawn[y + row, x : x + count] = True
        x, at = x + count, at + 1
    return picture, drawn


def gradient(width: int, height: int) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.stack(
        [
            x * 255 // max(width - 1, 1),
            y * 255 // max(height - 1, 1),
            (x + y) * 255 // max(width + height - 2, 1),
        ],
        axis=-1,
    ).astype(np.uint8)


def test_a_frame_is_a_dcs_string_with_its_size_and_registers_that_decodes_back_to_it() -> None:
    frame = gradient(120, 80)
    data = sixel.encode(frame)
    assert data.startswith('\x1bP0;1;0q"1;1;120;80') and data.endswith("\x1b\\")
    assert len(_REGISTER.findall(data)) == sixel.COLOURS <= 256
    picture, drawn = decode(data)
    assert drawn.all()  # every pixel once, nothing outside
    assert np.abs(picture.astype(int) - sixel.PALETTE[sixel.quantise(frame)]).max() <= 2  # percent steps
    error = np.abs(picture.astype(int) - frame).mean()
    assert error < 30  # dithered to 252 colours
    blocks = lambda a: a.reshape(20, 4, 30, 4, 3).mean(axis=(1, 3))  # noqa: E731
    assert np.abs(blocks(picture.astype(float)) - blocks(frame.astype(float))).max() < 12


@pytest.mark.parametrize("size", [(1, 1), (5, 7), (31, 13), (2000, 6), (3, 500)])
@pytest.mark.parametrize("dither", [True, False])
def test_any_size_and_noise_decodes_to_the_quantised_pixels(size: tuple[int, int], dither: bool) -> None:
    width, height = size
    frame = np.random.default_rng(width * height).integers(0, 256, (height, width, 3), dtype=np.uint8)
    picture, drawn = decode(sixel.encode(frame, dither=dither))
    expected = sixel.PALETTE[sixel.quantise(frame, dither=dither)]
    assert drawn.all() and np.abs(picture.astype(int) - expected).max() <= 2


def test_flat_colour_is_run_length_encoded() -> None:
    data = sixel.encode(np.full((12, 1000, 3), 255, dtype=np.uint8))
    body = data.rsplit(f"#{sixel.COLOURS - 1};2;100;100;100", 1)[1]
    assert body == f"#{sixel.COLOURS - 1}!1000~-#{sixel.COLOURS - 1}!1000~\x1b\\"


def test_a_1200x800_frame_encodes_quickly() -> None:
    from tests.bench_sixel import encode_ms

    # The target is 30 ms on a desktop (tests/bench_sixel.py); the bound here leaves room for a
    # loaded CI machine and only catches a lost vectorisation (a Python loop per pixel: seconds).
    assert encode_ms(repeats=3) < 250
