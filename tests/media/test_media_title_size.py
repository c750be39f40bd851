"""A title's size from the draft: a number or a numeric string, else the size its style picks."""

from __future__ import annotations

import pytest

from nemo_tui.engine.media.text import font_size


def test_an_explicit_size_is_kept_within_a_third_of_the_height() -> None:
    assert font_size(None, 1080, 1920, 64) == 64
    assert font_size(None, 1080, 1920, "64") == 64
    assert font_size(None, 1080, 1920, 10_000) == 1920 // 3
    assert font_size(None, 1080, 1920, 2) == 8


@pytest.mark.parametrize("explicit", ["inf", "Infinity", "-inf", "nan", "big", "", [], {}, None, 0, -5])
def test_a_size_that_is_no_finite_positive_number_falls_back_to_the_style(explicit: object) -> None:
    # "inf" as a string passes the engine's JSON guard (it checks numbers only) and used to raise
    # OverflowError in the middle of a render.
    assert font_size("title", 1080, 1920, explicit) == font_size("title", 1080, 1920)
