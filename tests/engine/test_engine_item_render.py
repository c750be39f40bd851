"""The renderer plays what item edits write: a cut clip from its source offset, a sped-up clip,
and fades. A 2-second test pattern (its picture changes every frame) rendered tiny."""

from __future__ import annotations

import av
import numpy as np
from engine_helpers import make_test_clip

from nemo_tui.engine.media.render import render_draft
from nemo_tui.protocol import Draft


def frames(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray").astype(float) for f in container.decode(video=0)]


def test_offset_speed_and_fade_are_rendered(tmp_path):
    source = tmp_path / "pattern.mp4"
    make_test_clip(source, seconds=2.0, size="64x48")
    draft = Draft.from_wire(
        {
            "t": [
                {
                    "tt": 0,
                    "sg": [
                        {"d": 1000, "m": {"name": "cut", "source": "p", "offset": 1000}},
                        {"d": 1000, "m": {"name": "fast", "source": "p", "speed": 2}},
                        {"d": 1000, "m": {"name": "faded", "source": "p", "fade_in": 1000}},
                    ],
                }
            ]
        }
    )
    out = tmp_path / "out.mp4"
    render_draft(draft, lambda _id: source, out, width=64, height=48, fps=10)
    got, src = frames(out), frames(source)
    assert len(got) == 30  # 3 s at 10 fps: the fast clip takes 1 s, not 2

    def nearest(frame):
        return int(np.argmin([np.abs(frame - s).mean() for s in src]))

    assert nearest(got[0]) == 10  # the cut clip starts 1 s into its source
    assert nearest(got[10]) == 0 and nearest(got[14]) == 8  # 2x: 4 frames in, 8 source frames on
    # The fade-in starts from black and brightens.
    assert got[20].mean() < 0.2 * got[29].mean()
