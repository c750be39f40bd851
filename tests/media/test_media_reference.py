"""Reference frames: one small PNG per scene family, painted at 256x144, t = 2 s.

A person looked at each of these and recognised the scene; the test keeps the painter from drifting
away from them unnoticed. After an intended change to the painter, look at the new frames and refresh
them with `python tests/media/test_media_reference.py --update`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import av
import numpy as np
import pytest

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
FAMILIES = {
    "sunset-ocean": "a sunset over the ocean with waves crashing",
    "night-city": "night city skyline",
    "snowy-forest-mountains": "snowy forest with mountains",
    "aurora": "aurora over mountains",
    "rain-city": "rain in the city",
    "campfire": "campfire at night",
    "desert-dawn": "desert dunes at dawn",
    "foggy-hills": "foggy day at the lake with hills",
}


def paint(prompt: str) -> np.ndarray:
    from nemo_tui.engine.media.scenes import make_painter

    _, painter = make_painter(prompt, 256, 144, 10.0, seed=0, dither=False)
    return painter.frame(2.0, 60)


def read_png(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
        return frame.to_ndarray(format="rgb24")


def write_png(path: Path, rgb: np.ndarray) -> None:
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("png", rate=1)
        s.width, s.height, s.pix_fmt = rgb.shape[1], rgb.shape[0], "rgb24"
        s.options = {"pred": "mixed", "compression_level": "9"}
        for packet in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            c.mux(packet)
        for packet in s.encode():
            c.mux(packet)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_painter_still_paints_the_reference_frame(family: str) -> None:
    path = REFERENCE / f"{family}.png"
    assert path.stat().st_size <= 60_000, f"{path.name} should stay small enough to commit"
    expected = read_png(path).astype(np.int16)
    actual = paint(FAMILIES[family]).astype(np.int16)
    assert actual.shape == expected.shape
    # Tolerant to float rounding differences between machines, not to a changed picture.
    assert np.abs(actual - expected).mean() < 2.0, f"{family} no longer looks like {path.name}"


if __name__ == "__main__" and "--update" in sys.argv:
    sys.path.insert(0, str(REFERENCE.parent.parent))
    REFERENCE.mkdir(exist_ok=True)
    for name, prompt in FAMILIES.items():
        write_png(REFERENCE / f"{name}.png", paint(prompt))
        print(name, (REFERENCE / f"{name}.png").stat().st_size, "bytes")
