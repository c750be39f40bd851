"""Pictures sharp enough for 1080p: the size clips are painted and stored at, anti-aliased edges,
frames that depend on their time alone, smooth motion, and a campfire that stands on the sand."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from nemo_tui.engine.media.scenes import make_painter, paint_size
from nemo_tui.engine.turns import generation_size


def test_clips_are_stored_at_540_rows_on_the_short_side_portrait_too() -> None:
    assert generation_size(1920, 1080, 540) == (960, 540)
    assert generation_size(1080, 1920, 540) == (540, 960), "a portrait clip is painted portrait"
    assert paint_size(960, 540) == (960, 540) and paint_size(540, 960) == (540, 960), "painted as stored"
    assert paint_size(1920, 1080) == (960, 540), "a larger clip is painted at 540 rows, scaled once"


@pytest.mark.parametrize(
    "prompt", ["night city skyline", "snowy forest with mountains", "foggy lake at dawn"]
)
def test_a_frame_depends_on_its_time_alone(prompt: str) -> None:
    # Two painters take alternate frames of a clip: what one painted before must not show.
    _, a = make_painter(prompt, 160, 90, 6.0, seed=3)
    _, b = make_painter(prompt, 160, 90, 6.0, seed=3)
    for i in range(0, 70, 7):
        a.frame(i / 30, i)
    assert np.array_equal(a.frame(4.1, 123), b.frame(4.1, 123))


def test_silhouettes_have_anti_aliased_edges() -> None:
    _, painter = make_painter("mountains at dawn", 320, 180, 5.0)
    painter.frame(0.0)
    _, strip = painter._strips["far mountains"]
    assert strip is not None
    cover = 1 - strip.through[..., 0]
    partial = ((cover > 0.03) & (cover < 0.97)).any(axis=0)
    assert partial.mean() > 0.9, "nearly every column's ridge pixel is partly covered, not a hard step"


def test_a_campfire_on_the_beach_burns_on_the_sand() -> None:
    spec, painter = make_painter("a campfire on the beach at night", 320, 180, 5.0)
    assert spec.has("sea") and spec.has("fire")
    frame = painter.frame(1.0).astype(float)
    ground = frame[int(0.9 * 180) : int(0.95 * 180), :30]  # beside the fire, far from its light
    assert ground[..., 0].mean() > ground[..., 2].mean() + 8, "sand (warm) under the fire, not water"


def test_buildings_glide_every_frame_instead_of_jumping() -> None:
    # Before, the land was repainted only once the camera had moved a third of a pixel: most frames
    # froze, then the buildings jumped a pixel. Now each frame moves them by a fraction of one.
    _, painter = make_painter("night city skyline", 320, 180, 10.0, seed=1)
    band = slice(int(0.7 * 180), int(0.88 * 180))  # buildings only: no sky, no street
    frames = [painter.frame(0.1 + i / 30, i)[band].astype(float) for i in range(16)]
    steps = [np.abs(b - a).mean() for a, b in pairwise(frames)]
    assert min(steps) > 0.4 * float(np.mean(steps)) > 0, f"uneven motion: {np.round(steps, 2)}"


def test_trees_sway_and_clouds_drift() -> None:
    _, painter = make_painter("a quiet forest in the morning", 320, 180, 10.0)
    a, b = painter.frame(2.0).astype(float), painter.frame(2.5).astype(float)
    sky, trees = slice(0, 40), slice(120, 175)
    assert np.abs(a[sky] - b[sky]).mean() > 0.5, "the clouds move"
    assert np.abs(a[trees] - b[trees]).mean() > 2, "the trees move"


@pytest.mark.parametrize(
    ("prompt", "plain", "element"),
    [
        ("sailboats on the sea at sunset", "the sea at sunset", "boats"),
        ("帆船在海上", "海上", "boats"),
        ("a lighthouse by the sea at night", "the sea at night", "lighthouse"),
        ("海边的灯塔", "海边", "lighthouse"),
        ("fireworks over the city", "city at night", "fireworks"),
        ("城市上空的烟花", "城市夜景", "fireworks"),
        ("a flock of birds over the lake at dawn", "the lake at dawn", "birds"),
        ("海鸥飞过大海", "大海", "birds"),
    ],
)
def test_drawn_subjects_are_drawn_and_not_called_missing(prompt: str, plain: str, element: str) -> None:
    from nemo_tui.engine.honesty import missing, scene_words

    spec, painter = make_painter(prompt, 192, 108, 4.0)
    assert element in spec.elements, spec.names()
    assert missing(prompt) == [], "the reply must not say it cannot draw what it draws"
    assert scene_words(prompt, "en") != scene_words(plain, "en")
    _, without = make_painter(plain, 192, 108, 4.0)
    # Same time of day and ground: only the subject differs (fireworks at t = 2 s are mid-burst).
    differs = np.abs(painter.frame(2.0).astype(int) - without.frame(2.0).astype(int)).mean()
    assert differs > 0.3, f"{element} left no mark on the frame"


def test_a_ship_or_an_eagle_is_still_said_to_be_missing() -> None:
    from nemo_tui.engine.honesty import missing

    assert missing("a cruise ship at sea") == ["boats"] and missing("an eagle over the mountains") == [
        "birds"
    ]


@pytest.mark.parametrize("prompt", ["a thunderstorm over the hills", "雷雨中的城市"])
def test_a_thunderstorm_has_lightning_that_flashes(prompt: str) -> None:
    from nemo_tui.engine.honesty import missing
    from nemo_tui.engine.media.lightning import PERIOD

    spec, painter = make_painter(prompt, 160, 90, 10.0)
    assert {"lightning", "rain"} <= spec.elements and missing(prompt) == []
    brightness = [painter.frame(i / 15).mean() for i in range(int(PERIOD * 15) + 1)]
    assert max(brightness) > float(np.median(brightness)) + 5, "one strike lights the sky within a period"
