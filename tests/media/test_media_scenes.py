"""Procedural clips: the prompt picks the scene (English and Chinese), the clip is real H.264, it moves,
it is deterministic, and a sunset over the ocean looks like one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from media_helpers import facts, frame_at

from nemo_tui.engine.media.proxy import proxy_path
from nemo_tui.engine.media.scenes import generate_clip, make_painter
from nemo_tui.engine.media.vocabulary import KEYWORDS, TIMES_OF_DAY, parse_prompt


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("a sunset over the ocean with waves crashing", {"sunset", "sun", "sea", "waves", "reflection"}),
        ("日落时的海浪", {"sunset", "sun", "sea", "waves"}),
        ("城市夜景", {"night", "city", "city lights"}),
        ("下雪的森林", {"snow", "forest"}),
        ("雨中的城市", {"rain", "city"}),
        ("极光和星空", {"night", "aurora", "stars"}),
        ("山上的篝火", {"fire", "mountains"}),
        ("desert dunes at dawn", {"dawn", "desert", "sun"}),
        ("foggy mountains", {"fog", "mountains"}),
        ("a starry night with the full moon", {"night", "stars", "moon"}),
        ("snowy peaks in winter", {"snow", "mountains", "snowcaps"}),
    ],
)
def test_prompt_keywords_pick_the_scene(prompt: str, expected: set[str]) -> None:
    names = set(parse_prompt(prompt).names())
    assert expected <= names, f"{prompt!r} gave {sorted(names)}"


def test_words_match_whole_words_only() -> None:
    # "start" is not a star and "today" is not the day; neither may turn the scene into a night sky.
    spec = parse_prompt("start today with the sea")
    assert "stars" not in spec.elements and spec.time_of_day == "day" and "sea" in spec.elements


def test_vocabulary_has_at_least_a_dozen_elements() -> None:
    elements = [name for name in KEYWORDS if name not in TIMES_OF_DAY]
    assert len(elements) >= 12
    assert all(any("\u4e00" <= ch <= "\u9fff" for w in KEYWORDS[e] for ch in w) for e in elements), (
        "every element has a Chinese trigger"
    )


def test_generated_clip_is_h264_at_the_size_asked(tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    meta = generate_clip("a sunset over the ocean", 0.5, 160, 90, out, seed=7, fps=24)
    f = facts(out)
    assert (f.video_codec, f.pix_fmt, f.width, f.height) == ("h264", "yuv420p", 160, 90)
    assert f.frames == 12 and abs(f.video_duration_s - 0.5) < 1 / 24
    assert meta["procedural"] is True and meta["seed"] == 7 and meta["fps"] == 24
    assert (meta["width"], meta["height"], meta["duration_s"]) == (160, 90, 0.5)
    assert {"sunset", "sea"} <= set(meta["scene"])
    assert not list(tmp_path.glob(".*")), "no temporary file is left behind"


def test_a_proxy_is_the_same_clip_at_half_the_rows(tmp_path: Path) -> None:
    """generate_clip(proxy=True): the clip is the one it writes without, and beside it the same
    frames at 270 rows, as many, as long (previews decode it; media/proxy.py)."""
    out, alone = tmp_path / "clip.mp4", tmp_path / "alone.mp4"
    meta = generate_clip("a sunset over the ocean", 0.5, 960, 540, out, seed=7, fps=24, proxy=True)
    generate_clip("a sunset over the ocean", 0.5, 960, 540, alone, seed=7, fps=24)
    assert out.read_bytes() == alone.read_bytes()
    f, p = facts(out), facts(proxy_path(out))
    assert (p.video_codec, p.pix_fmt, p.width, p.height) == ("h264", "yuv420p", 480, 270)
    assert (meta["proxy_width"], meta["proxy_height"]) == (480, 270)
    assert p.frames == f.frames == 12 and abs(p.video_duration_s - f.video_duration_s) < 1e-3
    small = frame_at(out, 0.25)[::2, ::2].astype(float)
    assert np.abs(frame_at(proxy_path(out), 0.25) - small).mean() < 6, "the same picture, smaller"
    assert not proxy_path(alone).exists(), "no proxy unless asked"
    assert not list(tmp_path.glob(".*")), "no temporary file is left behind"
    # A clip at or under 270 rows needs none.
    assert "proxy_width" not in generate_clip("a sunset", 0.2, 480, 270, tmp_path / "s.mp4", proxy=True)
    assert not proxy_path(tmp_path / "s.mp4").exists()


def test_clip_frames_move_and_are_not_blank(media: dict[str, Path]) -> None:
    first, last = frame_at(media["sunset"], 0.0), frame_at(media["sunset"], 0.95)
    assert first.std() > 20, "the frame has a picture in it"
    assert np.abs(first - last).mean() > 1.0, "waves, clouds and the camera move"


def test_same_prompt_and_seed_give_the_same_frames(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "c.mp4"
    generate_clip("night city with stars", 0.3, 160, 90, a, seed=5)
    generate_clip("night city with stars", 0.3, 160, 90, b, seed=5)
    generate_clip("night city with stars", 0.3, 160, 90, c, seed=6)
    assert np.array_equal(frame_at(a, 0.0), frame_at(b, 0.0))
    assert not np.array_equal(frame_at(a, 0.0), frame_at(c, 0.0)), "another seed, another city"


def test_different_prompts_give_different_scenes() -> None:
    a = parse_prompt("a sunset over the ocean").names()
    b = parse_prompt("snowy forest").names()
    assert set(a) != set(b)
    _, pa = make_painter("a sunset over the ocean", 160, 90, 2.0)
    _, pb = make_painter("snowy forest", 160, 90, 2.0)
    assert np.abs(pa.frame(0.0).astype(int) - pb.frame(0.0).astype(int)).mean() > 30


def luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def test_a_sunset_over_the_ocean_looks_like_one() -> None:
    _, painter = make_painter("a sunset over the ocean with waves crashing", 320, 180, 10.0)
    frame = painter.frame(1.0).astype(float)
    horizon = int(painter.horizon * 180)  # the camera has barely moved at t=1
    glow = frame[horizon - 25 : horizon - 3]
    assert glow[..., 0].mean() > 170 and glow[..., 0].mean() > glow[..., 2].mean() + 60, (
        "an orange sky low down"
    )
    top = frame[:20]
    assert luminance(top).mean() < luminance(glow).mean() - 50, "darker sky overhead"
    sky_lum = luminance(frame[: horizon - 2])
    sun_row, sun_col = np.unravel_index(np.argmax(sky_lum), sky_lum.shape)
    assert sun_row > horizon - 30, "the sun is low near the horizon"
    sea = frame[horizon + 5 :]
    assert luminance(sea[-30:]).mean() < luminance(glow).mean() - 60, "the sea is darker than the sky"
    lo, hi = max(sun_col - 6, 0), sun_col + 6
    column = luminance(sea[:40, lo:hi]).mean()
    elsewhere = luminance(np.concatenate([sea[:40, :20], sea[:40, -20:]], axis=1)).mean()
    assert column > elsewhere + 25, "the sun's reflection lies on the water below it"
    later = painter.frame(1.5).astype(float)
    assert np.abs(later[horizon + 20 :] - frame[horizon + 20 :]).mean() > 2, "the waves move"


def test_a_night_city_has_a_dark_sky_and_lit_windows() -> None:
    _, painter = make_painter("night city skyline", 320, 180, 10.0)
    frame = painter.frame(1.0).astype(float)
    assert luminance(frame[:40]).mean() < 40, "a night sky"
    lower = frame[90:]
    windows = (lower[..., 0] > 170) & (lower[..., 1] > 120) & (lower[..., 2] < lower[..., 0])
    assert windows.sum() > 100, "warm lit windows in the buildings"


def test_weather_and_fire_move() -> None:
    for prompt, region in (
        ("rain in the city", np.s_[:90]),
        ("snowy forest", np.s_[:90]),
        ("campfire at night", np.s_[100:, 120:200]),
    ):
        _, painter = make_painter(prompt, 320, 180, 10.0)
        a, b = painter.frame(1.0).astype(float), painter.frame(1.1).astype(float)
        assert np.abs(a[region] - b[region]).mean() > 1.0, f"{prompt}: nothing falls or flickers"
    _, painter = make_painter("campfire at night", 320, 180, 10.0)
    fire = painter.frame(1.0)[120:175, 130:190].astype(float)
    assert ((fire[..., 0] > 200) & (fire[..., 1] > 80) & (fire[..., 2] < 120)).sum() > 60, "orange flames"


def test_bad_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duration"):
        generate_clip("sea", 0, 160, 90, tmp_path / "x.mp4")
    with pytest.raises(ValueError, match="width and height"):
        generate_clip("sea", 1, 0, 90, tmp_path / "x.mp4")
    assert not (tmp_path / "x.mp4").exists()
