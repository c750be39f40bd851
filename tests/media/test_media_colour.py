"""Colour and timing of what the engine writes: BT.709 conversion and tags on exports and generated
clips (a pure red stays red in a player), and a title on exactly the frames of its time range."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from media_helpers import make_image

from nemo_tui.engine.media.render import render_draft
from nemo_tui.engine.media.scenes import generate_clip, make_painter, paint_size
from nemo_tui.protocol import Draft

BT709 = 1  # the H.273 code for BT.709 primaries, transfer and matrix
TV_RANGE = 1


def render(wire: dict, media: dict[str, Path], out: Path, width: int = 160, height: int = 90) -> Path:
    render_draft(Draft.from_wire(wire), media.get, out, width=width, height=height)
    return out


def tags(path: Path) -> tuple[int, int, int, int]:
    with av.open(str(path)) as c:
        cc = c.streams.video[0].codec_context
        return int(cc.color_primaries), int(cc.color_trc), int(cc.colorspace), int(cc.color_range)


def first_frame(path: Path) -> av.VideoFrame:
    with av.open(str(path)) as c:
        return next(c.decode(video=0))


def test_an_export_is_bt709_and_a_red_frame_decodes_red(tmp_path: Path) -> None:
    red = make_image(tmp_path / "red.png", "64x36", "#FF0000")
    out = render(
        {"t": [{"tt": 0, "sg": [{"d": 400, "m": {"source": "red"}}]}]}, {"red": red}, tmp_path / "r.mp4"
    )
    assert tags(out) == (BT709, BT709, BT709, TV_RANGE)
    frame = first_frame(out)
    yuv = frame.to_ndarray()  # planar 4:2:0: Y rows, then U and V (a quarter each)
    y, u, v = yuv[45, 80], yuv[90 + 11, 40], yuv[90 + 22 + 11, 40]
    # Pure red through the BT.709 matrix, limited range, is Y 63, Cb 102, Cr 240 (BT.601 gives Y 81, Cb 90).
    assert abs(int(y) - 63) <= 3 and abs(int(u) - 102) <= 3 and abs(int(v) - 240) <= 3, (y, u, v)
    r, g, b = frame.to_ndarray(format="rgb24")[45, 80]  # decoded as its tags say, as a player does
    assert r >= 240 and g <= 12 and b <= 12, (r, g, b)


def test_title_colours_are_converted_with_bt709(media: dict[str, Path], tmp_path: Path) -> None:
    text = {"tt": 7, "sg": [{"d": 400, "m": {"text": "█", "color": "#00FF00", "font_size": 60}}]}
    black = {"tt": 0, "sg": [{"d": 400, "m": {"source": "black"}}]}
    media = {"black": make_image(tmp_path / "k.png", "64x36", "black")}
    rgb = first_frame(render({"t": [black, text]}, media, tmp_path / "t.mp4")).to_ndarray(format="rgb24")
    green = rgb[rgb[..., 1] > 200]
    assert green.size, "the title is drawn"
    assert np.median(green[:, 0]) <= 12 and np.median(green[:, 2]) <= 12, "pure green, not shifted"


def test_generated_clips_are_bt709(tmp_path: Path) -> None:
    prompt, w, h = "a sunset over the ocean with waves crashing", 320, 180
    out = tmp_path / "c.mp4"
    generate_clip(prompt, 0.2, w, h, out)
    assert tags(out) == (BT709, BT709, BT709, TV_RANGE)
    _, painter = make_painter(prompt, *paint_size(w, h), 0.2, seed=0)
    painted = painter.frame(0.0, 0).reshape(-1, 3).mean(axis=0)
    frame = first_frame(out)
    error = {
        matrix: np.abs(
            frame.reformat(format="rgb24", src_colorspace=matrix, src_color_range="MPEG")
            .to_ndarray()
            .reshape(-1, 3)
            .mean(axis=0)
            - painted
        ).max()
        for matrix in ("ITU709", "ITU601")
    }
    # The mean colour survives scaling and encoding; only the right matrix brings it back.
    assert error["ITU709"] < 1.5 and error["ITU601"] > 2 * error["ITU709"], error


def test_a_title_occupies_exactly_its_frames(media: dict[str, Path], tmp_path: Path) -> None:
    clip = {"tt": 0, "sg": [{"d": 1500, "m": {"source": "city"}}]}
    title = {"tt": 7, "sg": [{"d": 500, "m": {"text": "III", "start": 500, "font_size": 60}}]}
    plain = render({"t": [clip]}, media, tmp_path / "plain.mp4")
    titled = render({"t": [clip, title]}, media, tmp_path / "titled.mp4")

    def frames(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as c:
            return [f.to_ndarray(format="rgb24").astype(np.int16) for f in c.decode(video=0)]

    changed = [np.abs(a - b).mean() for a, b in zip(frames(plain), frames(titled), strict=True)]
    shown = [i for i, diff in enumerate(changed) if diff > 3]
    # 0.5 s to 1.0 s at 30 fps: frames 15 to 29, and not frame 30 (t = 1.0 s, the title's end).
    assert shown == list(range(15, 30)), [round(float(c), 1) for c in changed]
