"""Lively, smooth motion in the slowest scenes, and hill shading without lines.

Motion is measured as tests/bench_pictures.py does: the mean absolute change of luma (grey levels)
from one frame to the next, here at 480x270 over half a second."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from nemo_tui.engine.media.scenes import make_painter


def luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.float64)
    return rgb[..., 0] * 0.2126 + rgb[..., 1] * 0.7152 + rgb[..., 2] * 0.0722


@pytest.mark.parametrize("prompt", ["a starry night with the full moon", "foggy day at the lake with hills"])
def test_the_slowest_scenes_move_enough_and_smoothly(prompt: str) -> None:
    _, painter = make_painter(prompt, 480, 270, 5.0, seed=0)
    frames = [luma(painter.frame(i / 30, i)) for i in range(60, 76)]
    steps = np.array([np.abs(b - a).mean() for a, b in pairwise(frames)])
    median = float(np.median(steps))
    assert steps.mean() >= 0.7, f"too still: {steps.mean():.2f} grey levels a frame"
    # Smooth: every frame moves about as much as the next, no flicker (one frame changing far more
    # than the rest) and no stepping (frames that stand still, then jump).
    assert steps.max() < 2.0 * median, f"flicker: {np.round(steps, 2)}"
    assert steps.min() > 0.5 * median, f"stepped motion: {np.round(steps, 2)}"


@pytest.mark.parametrize(
    "prompt", ["aurora over mountains", "snowy forest with mountains", "mountains at dawn"]
)
def test_near_hills_are_shaded_without_lines(prompt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # With the rock and grass textures held flat, what is left is the shading: it must change smoothly
    # from column to column. It used to follow the rocky outline and the crease where two hills
    # meet, and drew lines down the slope (second differences of 4-8 grey levels; now under 0.6).
    monkeypatch.setattr(
        "nemo_tui.engine.media.mountains.sample_2d",
        lambda tex, rows, cols: np.full((len(rows), len(cols)), 0.5, np.float32),
    )
    _, painter = make_painter(prompt, 480, 270, 5.0, seed=0, dither=False)
    painter.frame(0.0)
    _, strip = painter._strips["near hills"]
    assert strip is not None and strip.through is not None
    cover = 1 - strip.through[..., 0]
    y = luma(strip.colour * 255 / np.clip(1 - strip.through, 1e-3, None))
    inside = (cover > 0.999) & np.roll(cover > 0.999, -3, axis=0)  # off the ridge's edge
    bend = np.abs(y[:, 2:] - 2 * y[:, 1:-1] + y[:, :-2])
    ok = inside[:, 2:] & inside[:, 1:-1] & inside[:, :-2]
    assert bend[ok].max() < 1.5, "the shading of the near hills has lines in it"
