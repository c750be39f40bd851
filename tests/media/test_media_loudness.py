"""Music at a proper level: each style mastered to -16 LUFS under -1 dBTP (read by ffmpeg's own EBU R128
meter), bright enough for a phone speaker, and faded in and out where an export places it."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from media_helpers import audio, band_share, loudness

from nemo_tui.engine.media.loudness import integrated_lufs, true_peak
from nemo_tui.engine.media.music import RATE, STYLES, generate_music
from nemo_tui.engine.media.render import render_draft
from nemo_tui.protocol import Draft

# A phone or laptop speaker plays little under ~250 Hz. With at least 30 % of the energy above it, what
# such a speaker plays is at most 5 dB under the full mix (10 log10 0.3); before this, 5 % (13 dB under:
# near silent). Real mixes put roughly 30-70 % there; a pink-noise-like balance about 70 %.
MIN_SHARE_ABOVE_250_HZ = 0.30
# Above 6 kHz is where hats turn to sizzle: a few per cent of the energy at most keeps it smooth.
MAX_SHARE_ABOVE_6_KHZ = 0.03


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, float, float]]:
    d = tmp_path_factory.mktemp("music")
    out = {}
    for style in STYLES:
        path = generate_music(style, 5.0, d / f"{style}.m4a", seed=3)
        out[style] = (path, *loudness(path))
    return out


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_style_is_at_the_target_loudness_under_the_peak_ceiling(tracks, style: str) -> None:
    _, integrated, peak = tracks[style]
    assert abs(integrated - -16.0) <= 1.0, f"{style}: {integrated} LUFS"
    assert peak <= -1.0, f"{style}: true peak {peak} dBTP"


def test_the_styles_play_within_one_lu_of_each_other(tracks) -> None:
    levels = {style: integrated for style, (_, integrated, _) in tracks.items()}
    assert max(levels.values()) - min(levels.values()) <= 1.0, levels


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_style_is_bright_enough_for_a_small_speaker_and_not_harsh(tracks, style: str) -> None:
    data, rate = audio(tracks[style][0])
    above = band_share(data, rate, 250)
    assert above >= MIN_SHARE_ABOVE_250_HZ, f"{style}: {above:.0%} of the energy above 250 Hz"
    sizzle = band_share(data, rate, 6000)
    assert sizzle <= MAX_SHARE_ABOVE_6_KHZ, f"{style}: {sizzle:.1%} above 6 kHz"


def test_the_builtin_meter_agrees_with_ffmpegs(tmp_path: Path) -> None:
    path = generate_music("upbeat", 3.0, tmp_path / "m.wav", seed=5)
    with wave.open(str(path)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2).T / 32768.0
    integrated, peak = loudness(path)
    assert abs(integrated_lufs(pcm, RATE) - integrated) <= 0.2
    assert abs(20 * np.log10(true_peak(pcm)) - peak) <= 0.3


def _level(data: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    part = data[:, int(start_s * rate) : int(end_s * rate)]
    return float(np.sqrt(np.mean(part**2)))


def test_exported_music_fades_in_and_out_and_its_volume_is_relative_to_the_target(
    media: dict[str, Path], tmp_path: Path
) -> None:
    bgm = generate_music("lofi", 4.0, tmp_path / "bgm.m4a")  # looped twice under an 8 s video
    files = {**media, "bgm": bgm}

    def export(volume: float) -> Path:
        d = Draft.from_wire(
            {
                "t": [
                    {"tt": 0, "sg": [{"d": 8000, "m": {"source": "city"}}]},
                    {"tt": 1, "sg": [{"d": 8000, "m": {"source": "bgm", "volume": volume}}]},
                ]
            }
        )
        out = tmp_path / f"v{volume}.mp4"
        render_draft(d, files.get, out, width=160, height=90)
        return out

    full, half = export(1.0), export(0.5)
    full_lufs, full_peak = loudness(full)
    # 100 % is the mastered level (the fades take a little of the integrated figure away).
    assert abs(full_lufs - -16.0) <= 1.0 and full_peak <= -1.0, (full_lufs, full_peak)
    assert abs(loudness(half)[0] - (full_lufs - 6.02)) <= 0.5, "50 % is 6 dB under 100 %"

    out, rate = audio(full)
    source, _ = audio(bgm)

    def gain(start_s: float, end_s: float) -> float:  # the export against the music file, same bars
        return _level(out, rate, start_s, end_s) / _level(
            source, rate, start_s % 4, (end_s - 1e-9) % 4 + 1e-9
        )

    assert gain(0.0, 0.2) < 0.35, "it fades in"
    assert 0.85 < gain(1.5, 3.5) < 1.15, "full level in between"
    assert gain(7.7, 8.0) < 0.35, "it fades out"
