"""Opening what the media stack produced, with PyAV: stream facts, frames, audio levels."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from nemo_tui.engine.media.ffmpeg import ffmpeg_exe


@dataclass
class Facts:
    video_codec: str | None
    pix_fmt: str | None
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float  # the container's
    video_duration_s: float  # frames / fps
    audio_codec: str | None
    audio_rate: int | None
    audio_channels: int | None


def facts(path: Path) -> Facts:
    with av.open(str(path)) as c:
        v = c.streams.video[0] if c.streams.video else None
        a = c.streams.audio[0] if c.streams.audio else None
        frames = sum(1 for _ in c.decode(video=0)) if v else 0
        fps = float(v.average_rate) if v and v.average_rate else 0.0
        return Facts(
            video_codec=v.codec_context.name if v else None,
            pix_fmt=v.codec_context.pix_fmt if v else None,
            width=v.codec_context.width if v else 0,
            height=v.codec_context.height if v else 0,
            fps=fps,
            frames=frames,
            duration_s=(c.duration or 0) / 1e6,
            video_duration_s=frames / fps if fps else 0.0,
            audio_codec=a.codec_context.name if a else None,
            audio_rate=a.codec_context.sample_rate if a else None,
            audio_channels=a.codec_context.channels if a else None,
        )


def frame_at(path: Path, t: float) -> np.ndarray:
    """The RGB frame shown at time t (the first frame whose timestamp reaches t)."""
    with av.open(str(path)) as c:
        last = None
        for frame in c.decode(video=0):
            last = frame
            if frame.time is not None and frame.time >= t - 1e-6:
                break
        assert last is not None, f"{path.name} has no video frames"
        return last.to_ndarray(format="rgb24").astype(np.int16)


def audio(path: Path) -> tuple[np.ndarray, int]:
    """All samples as float (channels, n) and the rate."""
    with av.open(str(path)) as c:
        chunks = [f.to_ndarray().astype(np.float64) for f in c.decode(audio=0)]
        rate = c.streams.audio[0].codec_context.sample_rate
    data = np.concatenate(chunks, axis=1)
    if data.ndim == 2 and data.shape[0] > 8:  # packed formats come as (1, n*channels)
        data = data.reshape(-1, 2).T
    return data, rate


def rms(path: Path, start_s: float = 0.0, end_s: float | None = None) -> float:
    data, rate = audio(path)
    a = int(start_s * rate)
    b = None if end_s is None else int(end_s * rate)
    part = data[:, a:b]
    return float(np.sqrt(np.mean(part**2))) if part.size else 0.0


def make_tone_clip(path: Path, seconds: float = 1.0, size: str = "160x90", colour: str = "blue") -> Path:
    """A clip with its own sound (a 440 Hz tone) for testing how clip audio is mixed."""
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c={colour}:s={size}:r=30:d={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=44100:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


def make_image(path: Path, size: str = "64x48", colour: str = "red") -> Path:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c={colour}:s={size}",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
    )
    return path


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's EBU R128 meter reads them."""
    import re

    err = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = err[err.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def band_share(data: np.ndarray, rate: int, low_hz: float, high_hz: float = float("inf")) -> float:
    """The fraction of the signal's energy between low_hz and high_hz."""
    power = (np.abs(np.fft.rfft(data, axis=1)) ** 2).sum(axis=0)
    f = np.fft.rfftfreq(data.shape[1], 1 / rate)
    return float(power[(f > low_hz) & (f <= high_hz)].sum() / power.sum())
