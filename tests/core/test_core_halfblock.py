"""Half-block pixels: each `▀` cell is the upper pixel (foreground) over the lower (background)."""

from __future__ import annotations

import re

import numpy as np

from nemo_tui.core.halfblock import HalfBlockRenderer, ansi_lines


def _frame() -> np.ndarray:
    frame = np.zeros((4, 3, 3), dtype=np.uint8)
    frame[0] = (255, 0, 0)  # row 0 red over row 1 blue
    frame[1] = (0, 0, 252)
    frame[2, :2] = (0, 252, 0)  # row 2: two green pixels, then black; row 3 black
    return frame


def test_segments_carry_upper_pixel_as_foreground_and_lower_as_background() -> None:
    lines = HalfBlockRenderer().lines(_frame())
    assert len(lines) == 2 and all(sum(len(s.text) for s in line) == 3 for line in lines)
    (red_blue,) = lines[0]  # one run: the row is one colour pair
    assert red_blue.text == "▀▀▀"
    assert red_blue.style.color.triplet == (252, 0, 0) and red_blue.style.bgcolor.triplet == (0, 0, 252)
    green, black = lines[1]
    assert green.text == "▀▀" and green.style.color.triplet == (0, 252, 0)
    assert black.text == "▀" and black.style.color.triplet == (0, 0, 0)


def test_an_odd_last_row_pairs_with_black() -> None:
    lines = HalfBlockRenderer().lines(np.full((3, 2, 3), 200, dtype=np.uint8))
    assert len(lines) == 2 and lines[1][0].style.bgcolor.triplet == (0, 0, 0)


def test_ansi_text_uses_only_24_bit_colours() -> None:
    text = "\n".join(ansi_lines(_frame()))
    escapes = re.findall(r"\x1b\[[0-9;]*m", text)
    assert escapes and all(re.fullmatch(r"\x1b\[(38|48);2;\d+;\d+;\d+m|\x1b\[0m", e) for e in escapes)
    assert "\x1b[38;2;255;0;0m\x1b[48;2;0;0;252m▀▀▀" in text  # exact colours, not quantised
    assert re.sub(r"\x1b\[[0-9;]*m", "", text) == "▀▀▀\n▀▀▀"
