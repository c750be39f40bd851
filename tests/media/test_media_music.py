"""Background music: real AAC files in each style, loopable without a click, unknown styles handled."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from media_helpers import audio

from nemo_tui.engine.media.music import DEFAULT_STYLE, RATE, generate_music, resolve_style, synthesize


@pytest.mark.parametrize("style", ["lofi", "ambient", "upbeat", "cinematic"])
def test_each_style_is_a_real_stereo_aac_file(style: str, tmp_path: Path) -> None:
    out = generate_music(style, 2.0, tmp_path / f"{style}.m4a", seed=1)
    assert out == tmp_path / f"{style}.m4a"
    f = facts_audio(out)
    assert f == ("aac", 44100, 2)
    data, rate = audio(out)
    assert abs(data.shape[1] / rate - 2.0) < 0.05
    level = float(np.sqrt(np.mean(data**2)))
    assert 0.03 < level < 0.5 and np.abs(data).max() <= 1.0, f"{style} is audible and not clipping"
    assert not list(tmp_path.glob(".*")), "no temporary file is left"


def facts_audio(path: Path) -> tuple:
    import av

    with av.open(str(path)) as c:
        a = c.streams.audio[0].codec_context
        return a.name, a.sample_rate, a.channels


def test_styles_sound_different() -> None:
    levels = {s: synthesize(s, 4.0) for s in ("lofi", "ambient", "upbeat")}

    # Upbeat is busier: more energy changes per second (its drums hit on every beat).
    def onsets(x: np.ndarray) -> float:
        env = np.abs(x[0]).reshape(-1, RATE // 100).mean(axis=1)
        return float(np.maximum(np.diff(env), 0).sum())

    assert onsets(levels["upbeat"]) > onsets(levels["ambient"]) * 1.5
    assert not np.allclose(levels["lofi"][:, :RATE], levels["upbeat"][:, :RATE])


@pytest.mark.parametrize("style", ["lofi", "ambient", "upbeat", "cinematic"])
def test_the_loop_point_is_seamless(style: str) -> None:
    x = synthesize(style, 3.0)
    steps = np.abs(np.diff(x, axis=1))
    wrap = np.abs(x[:, 0] - x[:, -1]).max()
    # Jumping from the end back to the start is no bigger a step than the music takes anyway.
    assert wrap <= np.percentile(steps, 99.5), f"{style}: a click at the loop point ({wrap:.4f})"


def test_unknown_and_spoken_style_names() -> None:
    assert resolve_style("something nobody knows") == DEFAULT_STYLE
    assert resolve_style("") == DEFAULT_STYLE
    assert resolve_style("Lo-Fi beats") == "lofi"
    assert resolve_style("calm ambient pads") == "ambient"
    assert resolve_style("欢快") == "upbeat"
    assert resolve_style("史诗") == "cinematic"


def test_same_seed_same_music_and_wav_output(tmp_path: Path) -> None:
    assert np.array_equal(synthesize("lofi", 1.0, seed=3), synthesize("lofi", 1.0, seed=3))
    out = generate_music("jazzy", 1.5, tmp_path / "m.wav")
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (2, 44100, 2)
        assert abs(w.getnframes() / 44100 - 1.5) < 0.01


def test_bad_duration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive duration"):
        generate_music("lofi", 0, tmp_path / "m.m4a")
    assert not (tmp_path / "m.m4a").exists()
