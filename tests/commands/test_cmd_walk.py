"""Acceptance: tests/headless_walk.sh makes a titled, scored video with only `nemo-tui` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
from commands_helpers import CLEARED, ROOT, Cli

WALK = ROOT / "tests" / "headless_walk.sh"


def green_pixels(frame: np.ndarray) -> int:
    """Pixels in the top third that are clearly green (the title's colour; a sunset has none)."""
    top = frame[: frame.shape[0] // 3].astype(int)
    return int(((top[..., 1] - np.maximum(top[..., 0], top[..., 2])) > 30).sum())


def test_the_walk_script_generates_edits_and_exports_a_verified_mp4(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "walk.mp4"
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(cli.env(), NEMO=f"{sys.executable} -m nemo_tui")
    done = subprocess.run(
        ["bash", str(WALK), str(out)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=240
    )
    assert done.returncode == 0, done.stderr
    assert f"walk ok: {out}" in done.stderr

    with av.open(str(out)) as mp4:
        video = mp4.streams.video[0]
        assert video.codec_context.name == "h264"
        assert abs(mp4.duration / 1e6 - 2.0) < 0.3
        assert mp4.streams.audio, "the BGM made an audio stream"
        frames = {round(float(f.time), 2): f.to_ndarray(format="rgb24") for f in mp4.decode(video=0)}
    with av.open(str(out)) as mp4:
        samples = np.concatenate([f.to_ndarray().ravel() for f in mp4.decode(audio=0)])
    assert np.sqrt(np.mean(samples.astype(float) ** 2)) > 1e-3, "the music is audible, not silence"

    def at(t: float) -> np.ndarray:
        return frames[min(frames, key=lambda k: abs(k - t))]

    # The green title covers the first second at the top, then goes away.
    assert green_pixels(at(0.5)) > 40
    assert green_pixels(at(1.5)) < 5
